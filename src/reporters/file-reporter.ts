import type { EventBus } from '../engine/events.js';
import type { Reporter } from './reporter.js';
import { RunRecord } from './run-record.js';
import { writePrivateFile } from './write-private-file.js';

/**
 * A reporter that records the run and writes one file from it (the JSON report, JUnit):
 * at the end, or when interrupted, atomically with mode 0600. Calling `end()` again after
 * more events arrived (the signal path first, `run-end` later) rewrites the file with the
 * fuller picture; writes never overlap.
 */
export class FileReporter implements Reporter {
  private readonly record = new RunRecord();
  private seen = 0;
  private writtenAt = -1;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly render: (record: RunRecord) => string,
  ) {}

  attach(bus: EventBus): void {
    bus.subscribe((e) => {
      this.record.record(e);
      this.seen++;
    });
  }

  end(): Promise<void> {
    if (this.writtenAt === this.seen) return this.chain;
    this.writtenAt = this.seen;
    const text = this.render(this.record);
    this.chain = this.chain.catch(() => undefined).then(() => writePrivateFile(this.path, text));
    return this.chain;
  }
}
