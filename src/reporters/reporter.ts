import type { SecretMasker } from '../errors/mask-secrets.js';
import type { EventBus } from '../engine/events.js';
import type { JournalOptions } from './journal-paths.js';

/**
 * What every output of `tpx run` implements: subscribe to the engine's events, then
 * finish (print the recap, write the file). `end()` is also called from the signal path,
 * so it must work when `run-end` never arrived; calling it twice is harmless.
 */
export interface Reporter {
  attach(bus: EventBus): void;
  end(): Promise<void>;
  /**
   * Runs `ask` (a question on the terminal) with a live view held still and out of the way;
   * `write` reaches the terminal. Only the live terminal view has it.
   */
  whileAsking?<T>(ask: (write: (text: string) => void) => Promise<T>): Promise<T>;
}

/** A stream the reporters write to; `isTTY`, `columns` and `rows` as on a tty.WriteStream. */
export interface OutputStream {
  write(chunk: string): boolean;
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
}

/** `--output`: `auto` picks `tty` when stdout is a terminal, `plain` otherwise. */
export type OutputMode = 'auto' | 'tty' | 'plain' | 'json';

/** The options `tpx run` hands to `createReporters`. */
export interface ReporterOptions {
  readonly output?: OutputMode;
  /** `-v` count: 1 or more shows commands and their output. */
  readonly verbose?: number;
  /** `--report FILE.json` */
  readonly report?: string;
  /** `--junit FILE.xml` */
  readonly junit?: string;
  /** `--report-html FILE.html` */
  readonly reportHtml?: string;
  /** The run journal (see journal-file.ts); its first path is shown in plain output. */
  readonly journal?: JournalOptions;
  /** Where progress goes; default process.stdout. */
  readonly stdout?: OutputStream;
  /** Where listr2 sends stray stderr while it draws; default process.stderr. */
  readonly stderr?: OutputStream;
  /** For NO_COLOR; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Masks secrets in everything written; default the process-wide secretMasker. */
  readonly masker?: SecretMasker;
  /** Clock in ms, for elapsed times on the terminal; default Date.now. */
  readonly now?: () => number;
}
