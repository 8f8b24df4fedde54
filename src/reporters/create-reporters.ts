import type { EventBus } from '../engine/events.js';
import { secretMasker } from '../errors/mask-secrets.js';
import { createPaint, shouldUseColor } from './color.js';
import { SharedRunRecord } from './file-reporter.js';
import { JournalReporter } from './journal-file.js';
import { JsonReporter } from './json-reporter.js';
import { createHtmlReportReporter } from './html-report.js';
import { createJunitReporter } from './junit-file.js';
import { PlainReporter } from './plain-reporter.js';
import { createReportFileReporter } from './report-file.js';
import type { OutputMode, Reporter, ReporterOptions } from './reporter.js';
import { TtyReporter } from './tty-reporter.js';

/** `auto` becomes `tty` on a terminal and `plain` elsewhere. */
export function resolveOutputMode(mode: OutputMode | undefined, stdout: { readonly isTTY?: boolean }): Exclude<OutputMode, 'auto'> {
  if (mode === 'tty' || mode === 'plain' || mode === 'json') return mode;
  return stdout.isTTY === true ? 'tty' : 'plain';
}

/**
 * The reporters `tpx run` asks for: the run journal, one progress output (listr2 view,
 * plain lines or JSON events) plus the `--report`, `--junit` and `--report-html` files, gathered into one Reporter whose
 * `end()` ends them all (files even when the terminal output fails) and rethrows the first
 * error, e.g. a report that could not be written.
 */
export function createReporters(options: ReporterOptions = {}): ReporterGroup {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const env = options.env ?? process.env;
  const masker = options.masker ?? secretMasker;
  const verbose = options.verbose ?? 0;
  const mode = resolveOutputMode(options.output, stdout);
  const paint = createPaint(mode !== 'json' && shouldUseColor(stdout, env));
  const reporters: Reporter[] = [];
  // The journal first: it is written before any other output sees an event.
  const journal = options.journal ? new JournalReporter({ masker, ...options.journal }) : undefined;
  if (journal) reporters.push(journal);
  if (mode === 'json') reporters.push(new JsonReporter(stdout, masker));
  else if (mode === 'plain') reporters.push(new PlainReporter({ stream: stdout, masker, paint, verbose, journal: journal?.paths[0] }));
  else reporters.push(new TtyReporter({ stream: stdout, errStream: stderr, masker, paint, verbose, now: options.now ?? Date.now, journal: journal?.paths[0] }));
  // The files are written from one record of the run, whichever of them are asked for.
  const files = new SharedRunRecord();
  if (options.report) reporters.push(createReportFileReporter(options.report, masker, files));
  if (options.junit) reporters.push(createJunitReporter(options.junit, masker, files));
  if (options.reportHtml) reporters.push(createHtmlReportReporter(options.reportHtml, masker, files));
  return new ReporterGroup(reporters);
}

/** Several reporters acting as one. */
export class ReporterGroup implements Reporter {
  constructor(readonly reporters: readonly Reporter[]) {}

  attach(bus: EventBus): void {
    for (const r of this.reporters) r.attach(bus);
  }

  whileAsking<T>(ask: (write: (text: string) => void) => Promise<T>): Promise<T> {
    const live = this.reporters.find((r) => r.whileAsking);
    return live?.whileAsking ? live.whileAsking(ask) : ask((text) => process.stderr.write(text));
  }

  async end(): Promise<void> {
    const results = await Promise.allSettled(this.reporters.map((r) => r.end()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
