import { closeSync, fchmodSync, fdatasync, fdatasyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { EngineEvent, EventBus } from '../engine/events.js';
import { secretMasker, type SecretMasker } from '../errors/mask-secrets.js';
import type { JournalHeader, JournalOptions } from './journal-paths.js';
import { toJsonEvent } from './json-reporter.js';
import type { Reporter } from './reporter.js';

/** Events too chatty for a journal: streaming output and the commands (-v material). */
const LEFT_OUT = new Set<EngineEvent['type']>(['task-output', 'task-command', 'host-connecting']);
/** After these the journal is synced to disk: a host's end, the run's end, an interrupt, a halt. */
const SYNC_AFTER = new Set<EngineEvent['type']>(['host-end', 'run-end', 'interrupted', 'batch-halted', 'run-start']);
/** Output kept per task in the journal (the report has all of it). */
const OUTPUT_CHARS = 1000;

/** One journal line for an event: the `--output json` shape with a time, output cut short. */
export function toJournalEntry(e: EngineEvent, time: Date): Record<string, unknown> {
  const entry: Record<string, unknown> = { t: time.toISOString(), ...toJsonEvent(e) };
  for (const key of ['stdout', 'stderr']) {
    const value = entry[key];
    if (typeof value === 'string' && value.length > OUTPUT_CHARS) entry[key] = `…${value.slice(-OUTPUT_CHARS)}`;
  }
  return entry;
}

/**
 * The run journal: one JSON object per line, written with a plain write(2) per event (no
 * buffering in tpx, so a `kill -9` loses nothing written) and synced to disk after a host's
 * end — off the main thread, at most one sync in flight per file, a request made meanwhile
 * folded into one more — and synchronously at the run's end. The first line is a header
 * (`type: journal`, run id, playbook); then the events, secrets masked and `no_log` output
 * left out. `--retry-failed JOURNAL` reads it.
 */
export class JournalReporter implements Reporter {
  private readonly fds = new Map<string, number>();
  /** Per file: a sync in flight, and whether another was asked for meanwhile. */
  private readonly syncing = new Map<number, { again: boolean; done: Promise<void> }>();
  private readonly masker: SecretMasker;
  private readonly now: () => Date;

  constructor(private readonly options: JournalOptions) {
    this.masker = options.masker ?? secretMasker;
    this.now = options.now ?? (() => new Date());
    const header: JournalHeader = {
      type: 'journal',
      version: 1,
      run_id: options.runId,
      playbook: resolve(options.playbook),
      ...(options.inventories ? { inventories: options.inventories.map((f) => resolve(f)) } : {}),
      started: this.now().toISOString(),
      pid: process.pid,
      controller: hostname(),
    };
    for (const path of options.paths) this.open(path, options.truncate?.includes(path) === true);
    this.append(header, true);
  }

  /** The journal files that are being written. */
  get paths(): string[] {
    return [...this.fds.keys()];
  }

  attach(bus: EventBus): void {
    bus.subscribe((e) => {
      if (LEFT_OUT.has(e.type)) return;
      this.append(this.masker.maskDeep(toJournalEntry(e, this.now())), SYNC_AFTER.has(e.type));
    });
  }

  async end(): Promise<void> {
    await Promise.all([...this.syncing.values()].map((s) => s.done));
    for (const [path, fd] of this.fds) {
      try {
        fdatasyncSync(fd);
      } catch {
        // Nothing more to do about it at the end of the run.
      }
      closeSync(fd);
      this.fds.delete(path);
    }
  }

  private open(path: string, truncate: boolean): void {
    try {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      const fd = openSync(path, truncate ? 'w' : 'a', 0o600);
      fchmodSync(fd, 0o600);
      this.fds.set(path, fd);
    } catch (error) {
      this.options.onError?.(`cannot write the run journal ${path}: ${(error as Error).message}`);
    }
  }

  private append(entry: object, sync: boolean): void {
    const line = Buffer.from(JSON.stringify(entry) + '\n', 'utf8');
    for (const [path, fd] of this.fds) {
      try {
        writeSync(fd, line);
        if (sync) this.syncSoon(fd);
      } catch (error) {
        this.fds.delete(path);
        void (this.syncing.get(fd)?.done ?? Promise.resolve()).then(() => closeQuietly(fd));
        this.options.onError?.(`cannot write the run journal ${path}: ${(error as Error).message}`);
      }
    }
  }

  /** Syncs `fd` in the background; a request while one runs makes exactly one more after it. */
  private syncSoon(fd: number): void {
    const running = this.syncing.get(fd);
    if (running) {
      running.again = true;
      return;
    }
    const state = { again: false, done: Promise.resolve() };
    state.done = new Promise<void>((resolve) => {
      const once = (): void =>
        (this.options.syncFile ?? fdatasync)(fd, () => {
          // A failed sync is not worth stopping the run for; the end of the run syncs again.
          if (state.again) {
            state.again = false;
            once();
            return;
          }
          this.syncing.delete(fd);
          resolve();
        });
      once();
    });
    this.syncing.set(fd, state);
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already gone.
  }
}
