import { InputError } from '../errors/input-error.js';
import { nameSome } from '../errors/name-list.js';
import { assertionHolds, normaliseAssert } from '../modules/assert.js';
import { type Play, playSections, type Task, type TaskNode } from '../playbook/types.js';
import { evaluateConditions, evaluateExpression, renderValue } from '../template/render.js';
import { problemAt } from './keyword-source.js';
import type { RunContext } from './run-context.js';
import { shouldRunForTags } from './tags.js';
import { buildTaskVars } from './task-vars.js';

/** The tag that marks an input check. */
export const PREFLIGHT_TAG = 'preflight';
/** Hosts named in the message; the rest are counted. */
const NAMED = 5;

/**
 * Input checks before any connection. The `assert` tasks tagged `preflight` at the very start
 * of the first play (before any other task) need nothing from the hosts: they are evaluated
 * here, on the controller, for every host of that play, with the variables the host has
 * before any task runs (inventory, play, task and `-e` vars, the magic variables). One that
 * fails for any host is bad input: InputError (exit 4) at the task's `assert:` line, and the
 * run never connects. One that cannot be evaluated here (it reads facts or a registered
 * result, or any variable is undefined) is left to the run, where it runs anyway, like every
 * preflight assert that held.
 */
export function preflight(run: RunContext, play: Play, hosts: readonly string[]): void {
  const playCtx = { run, play, hosts };
  for (const { node, tags, scopeVars } of leadingTasks(playSections(play).flat(), play.tags, [])) {
    // Module names are short by now: `ansible.builtin.assert` was resolved to `assert` at load.
    if (node.module !== 'assert' || !node.tags.includes(PREFLIGHT_TAG)) return;
    if (!shouldRunForTags([...tags, ...node.tags], run.options.tags, run.options.skipTags)) continue;
    const failed: string[] = [];
    let message = '';
    try {
      const params = normaliseAssert(node.args);
      for (const name of hosts) {
        const host = run.hosts.get(name);
        if (!host) continue;
        const vars = buildTaskVars({ playCtx, host, scopeVars: [...scopeVars, node.vars], check: run.options.check, task: node.name });
        const ctx = { vars, host: name, task: node.name };
        if (!evaluateConditions(node.when, ctx)) continue;
        const broken = params.that.find((e) => !assertionHolds(evaluateExpression(e.trim(), ctx)));
        if (broken === undefined) continue;
        failed.push(name);
        if (!message) message = params.failMsg !== undefined ? String(renderValue(params.failMsg, ctx)) : `Assertion failed: ${broken.trim()}`;
      }
    } catch {
      // Not decidable before the run (an undefined variable, facts): the run checks it.
      continue;
    }
    if (failed.length > 0) throw new InputError([{ ...problemAt(node.modulePos), message: describe(node, message, failed, hosts.length) }]);
  }
}

interface Leading {
  readonly node: Task;
  /** The tags of the play and of the static blocks around the task. */
  readonly tags: readonly string[];
  /** The `vars` of the static blocks around the task, outermost first. */
  readonly scopeVars: readonly Readonly<Record<string, unknown>>[];
}

/**
 * The tasks at the start of a play, in order, through the static blocks around them (a plain
 * `block:` or an `import_tasks`/`import_role`, without `when`): the first node that is neither
 * a task nor such a block ends them.
 */
function* leadingTasks(nodes: readonly TaskNode[], tags: readonly string[], scopeVars: Leading['scopeVars']): Generator<Leading, boolean> {
  for (const node of nodes) {
    if (node.kind === 'task') {
      yield { node, tags, scopeVars };
      continue;
    }
    if (node.include !== undefined || node.when.length > 0) return false;
    const inner = yield* leadingTasks(node.block, [...tags, ...node.tags], [...scopeVars, node.vars]);
    if (!inner || node.rescue.length > 0 || node.always.length > 0) return false;
  }
  return true;
}

function describe(task: Task, message: string, failed: readonly string[], total: number): string {
  const which = failed.length === total ? `every host (${total})` : `${failed.length} of ${total} hosts: ${nameSome(failed, NAMED)}`;
  return `${task.name ? `"${task.name}": ` : ''}${message} — checked before connecting, for ${which}; nothing was run`;
}
