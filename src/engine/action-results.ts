import type { Action, ActionFailure, Plan } from '../modules/module.js';
import type { ExecResult } from '../transport/connection.js';
import { splitLines, type RawResult } from './raw-result.js';

/** The result a plan stands for before any action runs: its returns, changed, msg, diff and facts. */
export function planResult(plan: Plan): RawResult {
  const raw: RawResult = { ...(plan.returns ?? {}), changed: plan.changed };
  if (plan.msg !== undefined) raw.msg = plan.msg;
  if (plan.diff !== undefined) raw.diff = plan.diff;
  if (plan.facts !== undefined) raw.ansible_facts = { ...plan.facts };
  return raw;
}

/** A failure the module words itself; `{name}` in its msg is replaced by `values[name]`. */
export function actionFailure(f: ActionFailure, values: Readonly<Record<string, string>>): RawResult {
  const msg = f.msg.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
  return { changed: false, ...f.returns, failed: true, msg };
}

/**
 * A command that was stopped (interrupt or timeout) ends the task as failed. An interrupted
 * command's last line on stderr is how it ended on the host (the upgrade's "restored from
 * backup …"): the message carries it.
 */
export function stoppedResult(res: ExecResult, req: { readonly signal?: AbortSignal; readonly timeoutMs?: number }, moduleName: string): RawResult | undefined {
  if (req.signal?.aborted) {
    const last = lastLine(res.stderr);
    return { ...execFields(res), changed: false, failed: true, interrupted: true, msg: last ? `interrupted; its last word: ${last}` : 'interrupted' };
  }
  if (res.timedOut) {
    const seconds = req.timeoutMs !== undefined ? req.timeoutMs / 1000 : undefined;
    return {
      ...execFields(res),
      changed: false,
      failed: true,
      timedout: true,
      msg: `the ${moduleName} task did not finish within its timeout${seconds !== undefined ? ` of ${seconds}s` : ''} and was stopped`,
    };
  }
  return undefined;
}

/**
 * rc, stdout and stderr as Ansible's command module returns them: trailing newlines stripped.
 * Also whether each was cut by tpx_output_limit and how many bytes were not kept, always
 * present so that `when: not r.stdout_truncated` never meets an undefined variable.
 */
export function execFields(res: ExecResult): RawResult {
  const stdout = res.stdout.replace(/[\r\n]+$/, '');
  const stderr = res.stderr.replace(/[\r\n]+$/, '');
  const stdoutDropped = res.stdoutDropped ?? 0;
  const stderrDropped = res.stderrDropped ?? 0;
  return {
    rc: res.rc,
    stdout,
    stderr,
    stdout_lines: splitLines(stdout),
    stderr_lines: splitLines(stderr),
    stdout_truncated: stdoutDropped > 0,
    stdout_dropped_bytes: stdoutDropped,
    stderr_truncated: stderrDropped > 0,
    stderr_dropped_bytes: stderrDropped,
  };
}

/** The message of an exec action that exited non-zero: the command as shown, its code, its last line on stderr. */
export function describeFailure(action: Action & { kind: 'exec' }, res: ExecResult): string {
  const lastLine = res.stderr.trim().split('\n').pop() ?? '';
  return `${action.display ?? action.command}: exit code ${res.rc}${lastLine ? `: ${lastLine}` : ''}`;
}

/** The last non-empty line of a text, cut to 300 characters. */
function lastLine(text: string): string {
  const line =
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '')
      .at(-1) ?? '';
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}
