import type { Block, DynamicInclude, Task } from '../playbook/types.js';
import { loopItemVars, resolveLoopItems } from './loop-items.js';
import { failedResult, skippedResult, statusOf, type HostTaskOutcome, type RawResult } from './raw-result.js';
import { enterScope, type Scope } from './scope.js';
import { whenHolds } from './task-conditions.js';
import type { TaskEnv } from './task-env.js';

/** The variables one host includes the file with: its loop item's, or none. */
export type IncludeItem = Readonly<Record<string, unknown>>;

/**
 * Ansible's dynamic include (`include_tasks`, `include_role`) before its tasks run: the
 * include as a task of its own, for its results and its variables (`when`, loop). The tasks
 * inside are walked by run-playbook.ts.
 */
export function includeTask(block: Block, include: DynamicInclude): Task {
  return {
    kind: 'task',
    name: block.name ?? `${include.action}: ${include.what}`,
    module: include.action,
    args: {},
    when: block.when,
    tags: block.tags,
    vars: block.vars,
    pos: block.pos,
    modulePos: block.pos,
    loop: include.loop,
    loopKind: include.loopKind,
    loopVar: include.loopVar,
    notify: [],
    listen: [],
  };
}

/**
 * The scope the included tasks run in: the include's `vars`, but not its `when` (checked
 * once per host, not for each task inside) nor its tags (which decide only whether it runs).
 */
export function includedScope(outer: Scope, block: Block): Scope {
  return { ...enterScope(outer, { when: [], tags: [], vars: block.vars, pos: block.pos }), hostVars: outer.hostVars };
}

/**
 * Whether the host includes the file, and with which items: one result per included item
 * (ok), or one skipped result (`when` false, no items), or one failed result (the loop or
 * `when` could not be worked out).
 */
export function decideInclude(env: TaskEnv, what: string): { outcomes: HostTaskOutcome[]; items: IncludeItem[] } {
  const started = Date.now();
  const outcome = (raw: RawResult): HostTaskOutcome => ({ raw, status: statusOf(raw), durationMs: Date.now() - started, ranOn: env.host.name });
  const { task } = env;
  const when = env.scope.when;
  try {
    if (task.loop === undefined) {
      if (!whenHolds(env)) return { outcomes: [outcome(skippedResult(when.join(' and ')))], items: [] };
      return { outcomes: [outcome({ changed: false, msg: `included: ${what}` })], items: [{}] };
    }
    const values = resolveLoopItems(env);
    const items: IncludeItem[] = [];
    const outcomes: HostTaskOutcome[] = [];
    values.forEach((value, i) => {
      const fixed = loopItemVars(task, values, i);
      if (!whenHolds(env, fixed)) return;
      items.push(fixed);
      outcomes.push(outcome({ changed: false, msg: `included: ${what}`, [task.loopVar]: value }));
    });
    if (outcomes.length === 0)
      outcomes.push(
        outcome(values.length === 0 ? { changed: false, skipped: true, skipped_reason: 'No items in the list' } : skippedResult(when.join(' and '))),
      );
    return { outcomes, items };
  } catch (error) {
    return { outcomes: [outcome(failedResult(error instanceof Error ? error.message : String(error)))], items: [] };
  }
}
