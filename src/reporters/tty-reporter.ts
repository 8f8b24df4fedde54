import { Listr, ListrLogger, ProcessOutput, figures, type ListrTask } from 'listr2';
import type { EngineEvent, EventBus } from '../engine/events.js';
import type { SecretMasker } from '../errors/mask-secrets.js';
import type { Paint } from './color.js';
import { escapeControlDeep } from './escape-control.js';
import { truncate } from './format.js';
import { HostBoard } from './host-board.js';
import { formatHostSummary } from './host-summary.js';
import { HostRowsRenderer, type HostRowsView } from './host-rows-renderer.js';
import { formatRecap, formatRunSummary, recapRows } from './recap.js';
import type { OutputStream, Reporter } from './reporter.js';
import { formatNextStep, formatRunDetails } from './run-details.js';
import { formatRunHeader } from './run-header.js';

/** Options of the terminal (listr2) renderer. */
export interface TtyReporterOptions {
  readonly stream: OutputStream;
  readonly errStream: OutputStream;
  readonly masker: SecretMasker;
  readonly paint: Paint;
  readonly now: () => number;
  readonly verbose: number;
  /** The run journal, named in the header. */
  readonly journal?: string;
}

type Outcome = 'complete' | 'skip' | 'fail';

interface Deferred {
  readonly promise: Promise<Outcome>;
  resolve(outcome: Outcome): void;
  settled: boolean;
}

function deferred(): Deferred {
  let resolve!: (o: Outcome) => void;
  const promise = new Promise<Outcome>((r) => (resolve = r));
  const d: Deferred = {
    promise,
    settled: false,
    resolve: (o) => {
      d.settled = true;
      resolve(o);
    },
  };
  return d;
}

/**
 * The terminal view: a listr2 task list with one task per host, drawn by HostRowsRenderer
 * (current task and elapsed time per host, collapsed at large fleets, ~10 redraws a
 * second), then failures, warnings and the recap table. listr2's signal handling is off:
 * the CLI owns SIGINT and calls `end()`.
 */
export class TtyReporter implements Reporter {
  private readonly board: HostBoard;
  private readonly hostsDone = new Map<string, Deferred>();
  private running: Promise<unknown> | null = null;
  private renderer: HostRowsRenderer | undefined;
  private ended = false;

  constructor(private readonly options: TtyReporterOptions) {
    this.board = new HostBoard(options.now);
  }

  attach(bus: EventBus): void {
    bus.subscribe((e) => this.handle(e));
  }

  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.board.finishAll();
    for (const name of this.hostsDone.keys()) this.settle(name);
    await this.running;
    if (!this.running) return;
    const { paint, masker, stream } = this.options;
    const record = this.board.record;
    // The rows showed each host's note; when they did not all fit, the host summary does.
    const folded = this.board.layout((stream.rows ?? 24) - 1, stream.columns ?? 80).summary !== null;
    const lines = [
      ...formatRunDetails(record, paint),
      '',
      ...formatRecap(recapRows(record), paint).trimEnd().split('\n'),
      ...(folded ? formatHostSummary(record, paint) : []),
      paint('bold', formatRunSummary(record)),
      ...formatNextStep(record),
    ];
    stream.write(lines.map((l) => masker.mask(l)).join('\n') + '\n');
  }

  whileAsking<T>(ask: (write: (text: string) => void) => Promise<T>): Promise<T> {
    return this.renderer ? this.renderer.holdFor(ask) : ask((text) => this.options.errStream.write(text));
  }

  private handle(e: EngineEvent): void {
    if (this.ended) return;
    // The rows and the failures under them are text: host-made control characters arrive escaped.
    this.board.apply(escapeControlDeep(e));
    if (e.type === 'run-start' && !this.running) {
      // The header stays above the live rows: what runs, on how many hosts, where the journal is.
      const { stream, masker, paint } = this.options;
      stream.write(
        formatRunHeader(escapeControlDeep(e), this.options.journal)
          .map((l, i) => masker.mask(i === 0 ? paint('bold', l) : l))
          .join('\n') + '\n',
      );
      this.start();
    } else if (e.type === 'host-unreachable') this.settle(e.host);
    else if (e.type === 'run-end') for (const name of this.hostsDone.keys()) this.settle(name);
  }

  private start(): void {
    const names = this.board.hosts().map((h) => h.name);
    const tasks: ListrTask[] = names.map((name) => {
      const d = deferred();
      this.hostsDone.set(name, d);
      return {
        title: name,
        task: async (_ctx, wrapper) => {
          const outcome = await d.promise;
          if (outcome === 'skip') wrapper.skip(name);
          if (outcome === 'fail') throw new Error(name);
        },
      };
    });
    const { stream, errStream } = this.options;
    const processOutput = new ProcessOutput(stream as NodeJS.WriteStream, errStream as NodeJS.WriteStream);
    const listr = new Listr(tasks, {
      concurrent: true,
      exitOnError: false,
      collectErrors: false,
      registerSignalListeners: false,
      renderer: HostRowsRenderer,
      fallbackRenderer: HostRowsRenderer,
      rendererOptions: { view: this.view(), logger: new ListrLogger({ processOutput }) },
    });
    this.running = listr.run().catch(() => undefined);
  }

  /** Ends a host's listr task with the outcome its status calls for. */
  private settle(name: string): void {
    const d = this.hostsDone.get(name);
    if (!d || d.settled) return;
    const status = this.board.status(name);
    d.resolve(status === 'failed' || status === 'unreachable' ? 'fail' : status === 'ok' || status === 'changed' ? 'complete' : 'skip');
  }

  private view(): HostRowsView {
    const { stream, paint, masker, verbose } = this.options;
    const width = () => Math.max(20, (stream.columns ?? 80) - 3);
    const nameWidth = Math.min(30, Math.max(0, ...this.board.hosts().map((h) => h.name.length)));
    return {
      bind: (renderer) => (this.renderer = renderer),
      // One line for the headline, the last one kept free so the view never scrolls.
      headline: () => paint('bold', masker.mask(truncate(this.board.headline(), width()))),
      layout: () => {
        const { visible, summary } = this.board.layout((stream.rows ?? 24) - 1, width());
        return { visible, summary: summary === null ? null : paint('bold', masker.mask(summary)) };
      },
      title: (i) => masker.mask(this.board.rowText(i, nameWidth, width(), verbose > 0)),
      icon: (i) => {
        if (this.board.isActive(i)) return null;
        const status = this.board.status(this.board.hosts()[i].name);
        // A tick only once the host is done: "ok so far" is not a result yet (a failure is).
        if (!this.board.isDone(i) && (status === 'ok' || status === 'changed')) return paint('dim', figures.squareSmallFilled);
        switch (status) {
          case 'ok':
            return paint('green', figures.tick);
          case 'changed':
            return paint('yellow', figures.tick);
          case 'failed':
          case 'unreachable':
            return paint('red', figures.cross);
          case 'skipped':
          case 'not-reached':
            return paint('dim', figures.arrowDown);
          default:
            return paint('dim', figures.squareSmallFilled);
        }
      },
    };
  }
}
