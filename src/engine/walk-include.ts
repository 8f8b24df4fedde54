import type { Block, DynamicInclude, Task, TaskNode } from '../playbook/types.js';
import { evaluateConditions } from '../template/render.js';
import { loopItemVars, resolveLoopItems } from './loop-items.js';
import { failedResult, skippedResult, statusOf, type HostTaskOutcome, type RawResult } from './raw-result.js';
import type { BatchContext } from './run-context.js';
import { reportOutcome } from './run-task.js';
import { enterScope, type Scope } from './scope.js';
import { shouldRunForTags } from './tags.js';
import { varsFor, type TaskEnv } from './task-env.js';
import { emptyWalkOutcome, leftOut, type WalkOutcome } from './walk-outcome.js';

type Walk = (batch: BatchContext, nodes: readonly TaskNode[], hosts: readonly string[], scope: Scope) => Promise<WalkOutcome>;
type ItemVars = Readonly<Record<string, unknown>>;

/**
 * Ansible's dynamic include (`include_tasks`, `include_role`): decided per host when reached.
 * Its own `tags` decide whether it runs at all; its `when` is checked once per host (per item
 * in a loop), not for each task inside; each host that includes the file records one ok per
 * item, as Ansible counts "included". The tasks inside then run with the include's `vars` and
 * the host's loop item — item by item, every host that has an item N running it before N+1,
 * as Ansible's linear strategy runs the same file for the same item together.
 */
export async function walkInclude(
  batch: BatchContext,
  block: Block & { include: DynamicInclude },
  hosts: readonly string[],
  outer: Scope,
  walk: Walk,
): Promise<WalkOutcome> {
  const out = emptyWalkOutcome();
  const run = batch.playCtx.run;
  const own = enterScope(outer, block);
  if (!shouldRunForTags(own.tags, run.options.tags, run.options.skipTags)) return out;
  const task = includeTask(block, block.include);

  const items = new Map<string, ItemVars[]>();
  for (const name of hosts) {
    if (run.interrupted()) {
      out.cut.add(name);
      continue;
    }
    const env: TaskEnv = { run, batch, host: run.hosts.get(name)!, task, scope: own, check: own.checkMode ?? run.options.check, name: task.name! };
    const included = decide(env, block.include.what);
    for (const outcome of included.outcomes) {
      const status = reportOutcome(env, outcome);
      if (status === 'failed' || status === 'rescued') out.failed.add(name);
    }
    if (!out.failed.has(name) && included.items.length > 0) items.set(name, included.items);
  }

  const inner: Scope = {
    ...enterScope(outer, { when: [], tags: [], vars: block.vars, pos: block.pos }),
    hostVars: outer.hostVars,
  };
  const rounds = Math.max(0, ...[...items.values()].map((list) => list.length));
  let active = [...items.keys()];
  for (let i = 0; i < rounds && active.length > 0; i++) {
    const layer = new Map(active.flatMap((h) => (items.get(h)![i] ? [[h, items.get(h)![i]] as const] : [])));
    if (layer.size === 0) continue;
    const res = await walk(batch, block.block, [...layer.keys()], { ...inner, hostVars: [...(inner.hostVars ?? []), layer] });
    for (const [set, into] of [
      [res.failed, out.failed],
      [res.unreachable, out.unreachable],
      [res.cut, out.cut],
      [res.ended, out.ended],
    ] as const) {
      for (const h of set) into.add(h);
    }
    active = active.filter((h) => !leftOut(res, h));
  }
  return out;
}

/** The include as a task of its own, for its results and its variables (`when`, loop). */
function includeTask(block: Block, include: DynamicInclude): Task {
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
 * Whether the host includes the file, and with which items: one result per included item
 * (ok), or one skipped result (`when` false, no items), or one failed result (the loop or
 * `when` could not be worked out).
 */
function decide(env: TaskEnv, what: string): { outcomes: HostTaskOutcome[]; items: ItemVars[] } {
  const started = Date.now();
  const outcome = (raw: RawResult): HostTaskOutcome => ({ raw, status: statusOf(raw), durationMs: Date.now() - started, ranOn: env.host.name });
  const { task } = env;
  const when = env.scope.when;
  const holds = (fixed?: ItemVars): boolean =>
    when.length === 0 || evaluateConditions(when, { vars: varsFor(env, fixed), host: env.host.name, task: env.name });
  try {
    if (task.loop === undefined) {
      if (!holds()) return { outcomes: [outcome(skippedResult(when.join(' and ')))], items: [] };
      return { outcomes: [outcome({ changed: false, msg: `included: ${what}` })], items: [{}] };
    }
    const values = resolveLoopItems(env);
    const items: ItemVars[] = [];
    const outcomes: HostTaskOutcome[] = [];
    values.forEach((value, i) => {
      const fixed = loopItemVars(task, values, i);
      if (!holds(fixed)) return;
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
