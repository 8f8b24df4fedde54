import type { ModuleDefinition, Plan, PlanContext } from './module.js';
import { ModuleArgs, paramNames } from './module-args.js';
import { pauseParams } from './params/pause.js';

/** Parameters of `pause`: a duration in seconds, or none (wait for enter), and the prompt. */
export type PauseParams = {
  readonly seconds?: number;
  /** How the result's `stdout` counts the time: seconds when they were given, else minutes (as Ansible's does). */
  readonly unit: 'seconds' | 'minutes';
  readonly prompt?: string;
  readonly echo: boolean;
};

/** What Ansible says when a prompt cannot be answered. */
export const NOT_INTERACTIVE = 'Not waiting for response to prompt as stdin is not interactive';

export function normalisePause(raw: Readonly<Record<string, unknown>>): PauseParams {
  const args = new ModuleArgs('pause', raw, paramNames(pauseParams));
  if (args.has('seconds') && args.has('minutes')) throw args.error("give either 'seconds' or 'minutes', not both", 'minutes');
  const minutes = args.has('minutes') ? args.int('minutes', 0) : undefined;
  const seconds = minutes !== undefined ? minutes * 60 : args.has('seconds') ? args.int('seconds', 0) : undefined;
  return {
    // Ansible waits at least a second for any duration given.
    seconds: seconds === undefined ? undefined : Math.max(1, seconds),
    unit: minutes === undefined && seconds !== undefined ? 'seconds' : 'minutes',
    prompt: args.string('prompt'),
    echo: args.bool('echo', true),
  };
}

/** Ansible's `start`/`stop` text: local time as Python prints a datetime. */
function pythonNow(): string {
  const d = new Date();
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}000`;
}

/** Waits `ms`, or until the run is interrupted; true when it was. */
function wait(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (interrupted: boolean): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(interrupted);
    };
    const onAbort = (): void => done(true);
    const timer = setTimeout(() => done(false), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * `pause`: a timed wait (interruptible), or a question on the terminal answered with enter
 * (`user_input`); without a terminal it does not wait and says so, as Ansible does. Returns
 * Ansible's `start`, `stop`, `delta`, `stdout` ("Paused for 5.0 seconds"), `user_input`, `echo`.
 */
export async function planPause(p: PauseParams, ctx: PlanContext): Promise<Plan> {
  const started = Date.now();
  const start = pythonNow();
  let userInput = '';
  let warning: string | undefined;
  if (p.seconds !== undefined) {
    if (await wait(p.seconds * 1000, ctx.signal)) return { changed: false, actions: [], failed: true, msg: 'interrupted' };
  } else if (ctx.ask) {
    const question = `[${ctx.task ?? 'pause'}]\n${p.prompt ?? 'Press enter to continue, Ctrl+C to interrupt'}${p.echo ? '' : ' (output is hidden)'}:`;
    try {
      userInput = await ctx.ask(question, !p.echo);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return { changed: false, actions: [], failed: true, msg: why === 'interrupted' ? why : `could not ask on the terminal: ${why}` };
    }
  } else warning = NOT_INTERACTIVE;
  const elapsed = (Date.now() - started) / 1000;
  const shown = Math.round((p.unit === 'minutes' ? elapsed / 60 : elapsed) * 100) / 100;
  return {
    changed: false,
    actions: [],
    returns: {
      start,
      stop: pythonNow(),
      delta: Math.trunc(elapsed),
      // Python prints a float with at least one decimal.
      stdout: `Paused for ${Number.isInteger(shown) ? shown.toFixed(1) : shown} ${p.unit}`,
      stderr: '',
      rc: 0,
      user_input: userInput,
      echo: p.echo,
      ...(warning ? { warnings: [warning] } : {}),
    },
  };
}

/** `pause`: on the controller, once per batch. */
export const pauseModule: ModuleDefinition<PauseParams> = {
  name: 'pause',
  params: pauseParams,
  local: true,
  oncePerBatch: true,
  normalise: normalisePause,
  plan: (p, _facts, ctx) => planPause(p, ctx),
};
