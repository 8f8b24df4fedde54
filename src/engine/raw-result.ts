/**
 * The result of a task as `register` sees it: a plain object with Ansible's fields
 * (changed, failed, skipped, rc, stdout, stderr, stdout_lines, stderr_lines, msg, results...).
 */
export type RawResult = Record<string, unknown>;

/** `stdout_lines`: the text split on newlines, without a trailing empty line. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Ansible's message for a task whose `when` is false. */
export function skippedResult(falseCondition?: string): RawResult {
  return { changed: false, skipped: true, skip_reason: 'Conditional result was False', ...(falseCondition ? { false_condition: falseCondition } : {}) };
}

/** A task that could not run (template error, unknown module...). */
export function failedResult(msg: string): RawResult {
  return { changed: false, failed: true, msg };
}

/** The result of a loop: its items, changed if one changed, failed if one failed, skipped if all were. */
export function combineLoopResults(items: readonly RawResult[]): RawResult {
  const results = [...items];
  if (results.length === 0) return { changed: false, skipped: true, skipped_reason: 'No items in the list', results };
  const changed = results.some((r) => r.changed === true);
  const failed = results.some((r) => r.failed === true);
  const unreachable = results.some((r) => r.unreachable === true);
  const skipped = results.every((r) => r.skipped === true);
  const raw: RawResult = { changed, failed: failed || unreachable, results, msg: failed ? 'One or more items failed' : 'All items completed' };
  if (skipped) Object.assign(raw, { skipped: true, msg: 'All items skipped' });
  if (unreachable) raw.unreachable = true;
  return raw;
}

export const isTrue = (raw: RawResult, key: string): boolean => raw[key] === true;

/** What one task did on one host, before rescue and ignore_errors are taken into account. */
export interface HostTaskOutcome {
  /** The value `register` stores. */
  readonly raw: RawResult;
  /** set_fact's variables to store on the host. */
  readonly facts?: Readonly<Record<string, unknown>>;
  readonly status: 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';
  readonly durationMs: number;
  /** The host that actually ran it (differs from the recipient for run_once). */
  readonly ranOn: string;
  /** Why the host is unreachable (ConnectionError kind). */
  readonly unreachableKind?: string;
}

/** The status a raw result stands for. */
export function statusOf(raw: RawResult): HostTaskOutcome['status'] {
  if (raw.unreachable === true) return 'unreachable';
  if (raw.failed === true) return 'failed';
  if (raw.skipped === true) return 'skipped';
  return raw.changed === true ? 'changed' : 'ok';
}
