import { ConnectionError } from '../errors/connection-error.js';
import type { AwaitAction } from '../modules/module.js';
import type { Connection, ExecResult } from '../transport/connection.js';
import { abortableSleep } from './sleep.js';

/** What an `await` action needs from the engine: the task's connection, a new one, and a way to run its command. */
export interface AwaitSteps {
  /** The task's connection (opened when there is none). */
  readonly connection: () => Promise<Connection>;
  /** Closes the task's connection and opens a new one; throws ConnectionError. */
  readonly reconnect: (connectTimeout?: number) => Promise<Connection>;
  /** Runs the action's command (bounded by the task's own timeout, if any). */
  readonly exec: (conn: Connection) => Promise<ExecResult>;
  /** When the task's `timeout` runs out (ms since the epoch). */
  readonly deadline?: number;
  readonly signal?: AbortSignal;
  /** For tests. */
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: () => number;
}

/** How the wait ended: the command passed; time ran out (and what the last try said); or the task was stopped. */
export type AwaitOutcome =
  | { readonly kind: 'passed' }
  | { readonly kind: 'timeout'; readonly error: string }
  | { readonly kind: 'stopped'; readonly result: ExecResult };

const STOPPED: ExecResult = { rc: null, signal: null, stdout: '', stderr: '', timedOut: true, durationMs: 0 };
/** Ansible's reboot backoff: 2^n seconds plus up to one, at most 12 plus up to one. */
const BACKOFF_CAP_MS = 12_000;

/**
 * Tries the action's command until it passes or its time runs out. A try that fails to
 * connect, or whose connection breaks, makes the next one reconnect. A host held by another
 * run (`locked`) is not waited for: that ConnectionError goes to the caller.
 */
export async function runAwait(action: AwaitAction, steps: AwaitSteps): Promise<AwaitOutcome> {
  const now = steps.now ?? Date.now;
  const sleep = steps.sleep ?? abortableSleep;
  const random = steps.random ?? Math.random;
  const stopped = (): AwaitOutcome | undefined =>
    steps.signal?.aborted || (steps.deadline !== undefined && now() >= steps.deadline) ? { kind: 'stopped', result: STOPPED } : undefined;

  if (action.delayMs) await sleep(bounded(action.delayMs, steps, now), steps.signal);
  const end = now() + action.timeoutMs;
  let fresh = action.reconnect === true;
  let error = '';
  for (let failures = 0; now() < end; failures++) {
    const stop = stopped();
    if (stop) return stop;
    try {
      const conn = fresh ? await steps.reconnect(action.connectTimeout) : await steps.connection();
      fresh = false;
      const res = await steps.exec(conn);
      if (res.timedOut || steps.signal?.aborted) return { kind: 'stopped', result: res };
      const verdict = judge(action, res);
      if (verdict === undefined) return { kind: 'passed' };
      error = verdict;
    } catch (err) {
      if (!(err instanceof ConnectionError) || err.kind === 'locked') throw err;
      error = err.message;
      fresh = true;
    }
    const pause = action.pauseMs === 'backoff' ? backoffMs(failures, random) : action.pauseMs;
    await sleep(bounded(pause, steps, now), steps.signal);
  }
  return stopped() ?? { kind: 'timeout', error };
}

/** Undefined when the command passed, else why not. */
export function judge(action: AwaitAction, res: ExecResult): string | undefined {
  if (res.rc !== 0) {
    const detail = `${res.stderr.trim()} ${res.stdout.trim()}`.trim();
    return `exit code ${res.rc ?? res.signal}${detail ? `: ${detail.split('\n').at(-1)}` : ''}`;
  }
  if (action.differsFrom === undefined) return undefined;
  const seen = res.stdout.trim();
  return seen === '' || seen === action.differsFrom ? 'boot time has not changed' : undefined;
}

/** The pause after the n-th failed try (0-based), as Ansible's reboot waits. */
export function backoffMs(failures: number, random: () => number): number {
  const jitter = Math.floor(random() * 1000);
  return Math.min(2 ** Math.min(failures, 10) * 1000, BACKOFF_CAP_MS) + jitter;
}

/** A pause cut short by the task's own timeout. */
function bounded(ms: number, steps: AwaitSteps, now: () => number): number {
  return steps.deadline === undefined ? ms : Math.max(0, Math.min(ms, steps.deadline - now()));
}
