import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { EventBus } from '../engine/events.js';
import { TpxError } from '../errors/tpx-error.js';
import type { Reporter } from './reporter.js';
import { RunRecord } from './run-record.js';
import { writePrivateFile } from './write-private-file.js';

/**
 * One run record that every file reporter of a run reads (`--report`, `--junit`,
 * `--report-html`): fed once per event, however many files are written from it.
 */
export class SharedRunRecord {
  readonly record = new RunRecord();
  /** Events recorded so far (a file is written again only when more arrived). */
  seen = 0;
  private attached = false;

  attach(bus: EventBus): void {
    if (this.attached) return;
    this.attached = true;
    bus.subscribe((e) => {
      this.record.record(e);
      this.seen++;
    });
  }
}

/**
 * A reporter that writes one file from the run's record (the JSON report, JUnit):
 * at the end, or when interrupted, atomically with mode 0600. Calling `end()` again after
 * more events arrived (the signal path first, `run-end` later) rewrites the file with the
 * fuller picture; writes never overlap.
 *
 * The file at the path is always this run's or absent: an earlier run's file is removed
 * when the run starts (a run that dies without writing leaves none, rather than an old one
 * that reads as this run's), and when writing fails the file is removed and the error says so.
 */
export class FileReporter implements Reporter {
  private writtenAt = -1;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly render: (record: RunRecord) => string,
    private readonly shared: SharedRunRecord = new SharedRunRecord(),
  ) {}

  attach(bus: EventBus): void {
    try {
      rmSync(this.path, { force: true });
    } catch {
      // Not a file we can remove (a directory, a read-only place): writing it fails too, and says so.
    }
    this.shared.attach(bus);
  }

  end(): Promise<void> {
    if (this.writtenAt === this.shared.seen) return this.chain;
    this.writtenAt = this.shared.seen;
    this.chain = this.chain.catch(() => undefined).then(() => this.write());
    return this.chain;
  }

  private async write(): Promise<void> {
    try {
      await writePrivateFile(this.path, this.render(this.shared.record));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const removed = await rm(this.path, { force: true }).then(
        () => 'no file is left there',
        (e: unknown) => `and what is there could not be removed (${e instanceof Error ? e.message : String(e)}): it is not this run's report`,
      );
      const what = error instanceof TpxError ? reason : `cannot write ${this.path}: ${reason}`;
      throw new TpxError('report-write', `${what}; ${removed}`, { cause: error });
    }
  }
}
