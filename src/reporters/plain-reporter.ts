import type { EngineEvent, EventBus } from '../engine/events.js';
import type { SecretMasker } from '../errors/mask-secrets.js';
import type { Paint } from './color.js';
import { escapeControlDeep } from './escape-control.js';
import { formatDuration, toOneLine } from './format.js';
import { formatHostSummary } from './host-summary.js';
import { formatRecap, formatRunSummary, recapRows } from './recap.js';
import { formatNextStep, STOPPING } from './run-details.js';
import { formatRunHeader } from './run-header.js';
import type { OutputStream, Reporter } from './reporter.js';
import { formatResultStatus, resultDetailLines } from './result-lines.js';
import { RunRecord } from './run-record.js';

/** Options of the plain (CI log) renderer. */
export interface PlainReporterOptions {
  readonly stream: OutputStream;
  readonly masker: SecretMasker;
  readonly paint: Paint;
  readonly verbose: number;
  /** The run journal, named under the first line. */
  readonly journal?: string;
}

/**
 * One line per host event, `[host] task: status`, readable in CI logs; failures with
 * their message and stderr tail, warnings, halted batches, and the recap at the end.
 * With -v also the commands and their output, each line prefixed with the host.
 */
export class PlainReporter implements Reporter {
  private readonly record = new RunRecord();
  /** Partial output lines per host/task/stream, until their newline arrives. */
  private readonly partial = new Map<string, string>();
  /** The message of each host's `host-unreachable` line, not repeated under the task that hit it. */
  private readonly unreachableMsg = new Map<string, string>();
  /** Skipped task results not shown (without -v): counted in the last line. */
  private skippedHidden = 0;
  private ended = false;

  constructor(private readonly options: PlainReporterOptions) {}

  attach(bus: EventBus): void {
    bus.subscribe((e) => this.handle(e));
  }

  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.write(this.takePartial());
    if (this.record.started === null && this.record.hosts().length === 0) return;
    if (!this.record.ended) this.write(['', 'run did not finish: results below are partial']);
    const hidden = this.skippedHidden > 0 ? ` · ${this.skippedHidden} skipped task result${this.skippedHidden === 1 ? '' : 's'} not shown (-v shows them)` : '';
    this.write([
      '',
      ...formatRecap(recapRows(this.record), this.options.paint).trimEnd().split('\n'),
      ...formatHostSummary(this.record, this.options.paint),
      this.options.paint('bold', formatRunSummary(this.record)) + hidden,
      ...formatNextStep(this.record),
    ]);
  }

  private handle(event: EngineEvent): void {
    if (this.ended) return;
    // Everything below is shown as text: host-made control characters arrive escaped.
    const e = escapeControlDeep(event);
    this.record.record(e);
    this.write(this.linesFor(e));
  }

  private linesFor(e: EngineEvent): string[] {
    const { paint, verbose } = this.options;
    switch (e.type) {
      case 'run-start':
        return formatRunHeader(e, this.options.journal);
      case 'play-start':
        return ['', paint('bold', `PLAY ${e.play} (${e.hosts.length} host${e.hosts.length === 1 ? '' : 's'})`)];
      case 'batch-start':
        return e.batches > 1 ? [paint('bold', `BATCH ${e.batch}/${e.batches} of ${e.play}: ${e.hosts.join(', ')}`)] : [];
      case 'host-connecting':
        return verbose > 1 ? [`[${e.host}] connecting`] : [];
      case 'host-connected':
        return verbose > 0 ? [`[${e.host}] connected (${formatDuration(e.durationMs)})`] : [];
      case 'host-unreachable':
        this.unreachableMsg.set(e.host, e.msg);
        return [`[${e.host}] ${paint('red', `unreachable (${e.kind})`)}: ${toOneLine(e.msg)}`];
      case 'task-start':
        return verbose > 1 ? [`[${e.host}] ${e.task}: started`] : [];
      case 'task-command':
        return verbose > 0 ? [`[${e.host}] ${e.task}: $ ${toOneLine(e.command)}`] : [];
      case 'task-output':
        return verbose > 0 ? this.outputLines(e.host, e.task, e.stream, e.chunk) : [];
      case 'task-end': {
        const r = e.result;
        const done = this.takePartial(r.host, r.task);
        // Skipped results are most of a long playbook's lines: folded into a count unless -v.
        if (r.status === 'skipped' && verbose === 0) {
          this.skippedHidden++;
          return done;
        }
        // The line just above said why the host is unreachable: the task's result does not say it again.
        const said = r.status === 'unreachable' && r.msg === this.unreachableMsg.get(r.host);
        return [...done, `[${r.host}] ${r.task}: ${formatResultStatus(r, paint)}`, ...resultDetailLines(said ? { ...r, msg: undefined } : r)];
      }
      case 'warning': {
        const where = e.host ? `[${e.host}] ${e.task ? `${e.task}: ` : ''}` : e.task ? `${e.task}: ` : '';
        return [`${paint('magenta', 'WARNING')} ${where}${e.msg}`];
      }
      case 'host-end':
        return verbose > 0 ? [`[${e.host}] done: ${e.status}`] : [];
      case 'batch-halted': {
        const rest = e.remaining.length > 0 ? `; not run on ${e.remaining.length} host${e.remaining.length === 1 ? '' : 's'}: ${e.remaining.join(', ')}` : '';
        return [paint('red', `HALTED batch ${e.batch} of ${e.play}: ${e.reason}${rest}`)];
      }
      case 'interrupted':
        return [paint('red', `INTERRUPTED (${e.signal}): ${STOPPING}`)];
      case 'run-end':
        return [];
      default:
        return [];
    }
  }

  /** Complete lines of a chunk, prefixed `[host] task: stdout| `; the unfinished rest waits. */
  private outputLines(host: string, task: string, stream: string, chunk: string): string[] {
    const key = `${host}\u0000${task}\u0000${stream}`;
    const text = (this.partial.get(key) ?? '') + chunk;
    const parts = text.split('\n');
    const rest = parts.pop() ?? '';
    if (rest) this.partial.set(key, rest);
    else this.partial.delete(key);
    return parts.map((l) => `[${host}] ${task}: ${stream}| ${l}`);
  }

  /** Takes the unfinished output lines (of one host and task, or all) as lines. */
  private takePartial(host?: string, task?: string): string[] {
    const lines: string[] = [];
    for (const [key, rest] of [...this.partial]) {
      const [h, t, s] = key.split('\u0000');
      if (host !== undefined && (h !== host || t !== task)) continue;
      lines.push(`[${h}] ${t}: ${s}| ${rest}`);
      this.partial.delete(key);
    }
    return lines;
  }

  private write(lines: readonly string[]): void {
    if (lines.length === 0) return;
    this.options.stream.write(lines.map((l) => this.options.masker.mask(l)).join('\n') + '\n');
  }
}
