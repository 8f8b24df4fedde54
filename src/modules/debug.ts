import type { ModuleDefinition, Plan, PlanContext } from './module.js';
import { ModuleArgs, paramNames } from './module-args.js';
import { debugParams } from './params/debug.js';

/** Parameters of `debug`: a message, or a variable (expression) to show. */
export type DebugParams = {
  readonly msg?: unknown;
  readonly var?: string;
  /** Shown only at this -v level or above. */
  readonly verbosity: number;
};

/** The message of a `debug` without `msg` or `var`, as in Ansible. */
export const DEFAULT_DEBUG_MSG = 'Hello world!';

export function normaliseDebug(raw: Readonly<Record<string, unknown>>): DebugParams {
  const args = new ModuleArgs('debug', raw, paramNames(debugParams));
  if (args.has('msg') && args.has('var')) throw args.error("give either 'msg' or 'var', not both", 'var');
  return { msg: args.has('var') ? undefined : (args.raw('msg') ?? DEFAULT_DEBUG_MSG), var: args.string('var'), verbosity: args.int('verbosity', 0) };
}

/** What `var` shows for a plain name that is not defined, as in Ansible. */
export const NOT_DEFINED = 'VARIABLE IS NOT DEFINED!';

/** A dotted variable path (`result.stdout`) looked up in the task's variables. */
function lookupVar(path: string, vars: Readonly<Record<string, unknown>>): { found: boolean; value?: unknown } {
  let value: unknown = vars;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || !(part in value)) return { found: false };
    value = (value as Record<string, unknown>)[part];
  }
  return { found: true, value };
}

/**
 * `var` as Ansible shows it: evaluated as an expression; a plain (dotted) name that is not
 * defined shows `VARIABLE IS NOT DEFINED!` instead of failing the task. Without an
 * evaluator, a plain name is looked up in the task's variables.
 */
export function planDebug(p: DebugParams, ctx: PlanContext): Plan {
  if (ctx.verbosity < p.verbosity) return { changed: false, actions: [], skipped: true, msg: 'Verbosity threshold not met.' };
  // A list or mapping msg stays structured in the result (register sees it as such).
  if (p.var === undefined) return { changed: false, actions: [], ...(typeof p.msg === 'string' ? { msg: p.msg } : {}), returns: { msg: p.msg } };
  const name = p.var.trim();
  const plain = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/.test(name);
  let value: unknown;
  if (ctx.evaluate) {
    try {
      value = ctx.evaluate(name);
    } catch (err) {
      if (!plain) throw err;
      value = NOT_DEFINED;
    }
  } else {
    const found = plain ? lookupVar(name, ctx.vars) : { found: false };
    value = found.found ? found.value : NOT_DEFINED;
  }
  return { changed: false, actions: [], msg: `${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`, returns: { [name]: value } };
}

/** `debug`: shows a message or a variable's value (on the controller). */
export const debugModule: ModuleDefinition<DebugParams> = {
  name: 'debug',
  params: debugParams,
  local: true,
  normalise: normaliseDebug,
  plan: (p, _facts, ctx) => planDebug(p, ctx),
};
