import { metaAction } from '../modules/meta.js';
import { playSections, type Block, type DynamicInclude, type Play, type TaskNode } from '../playbook/types.js';
import { decideInclude, includedScope, includeTask, type IncludeItem } from './dynamic-include.js';
import { endingHosts } from './ending-hosts.js';
import { emitHostEnds } from './host-end.js';
import { closeHostConnections } from './host-connection.js';
import { buildRunOutcome } from './outcome.js';
import { resolvePlayKeywords } from './play-keywords.js';
import { selectPlayHosts } from './play-hosts.js';
import { preflight } from './preflight.js';
import { createRunContext, isStopped, type BatchContext, type PlayContext, type RunContext } from './run-context.js';
import { resolveRunId } from './run-id.js';
import type { HaltInfo, RunOptions, RunOutcome } from './run-options.js';
import { reportOutcome, runTaskOnHosts } from './run-task.js';
import { createPlayScope, enterScope, withRescuable, type Scope } from './scope.js';
import { splitIntoBatches } from './serial-batches.js';
import { shouldRunForTags } from './tags.js';
import type { TaskEnv } from './task-env.js';
import { addWalkOutcome, emptyWalkOutcome, leftOut, type WalkOutcome } from './walk-outcome.js';

/**
 * The first stage of a task's walk (docs/architecture.md), scheduling: plays, their hosts in
 * serial batches with the failure budget and halts, the strategy, the sections and handlers,
 * blocks, includes and the `meta` actions the engine carries out; each task goes to
 * run-task.ts for the batch's hosts still in.
 *
 * Runs a playbook: its plays in order, each on its hosts in serial batches with its strategy,
 * at most `forks` hosts at once. Emits events on options.bus (never prints); a failed or
 * unreachable host is a result, not an exception. Stops early when a rollout halts or
 * options.signal aborts; connections are closed at the end.
 *
 * The run gets one id, `tpx_run_id` (see run-id.ts), announced in `run-start`.
 *
 * Throws InputError before anything starts (no event, no connection) when a play keyword
 * written as a template (`serial`, `max_fail_percentage`) does not render to a valid value,
 * or when a `preflight` assert of the first play fails (preflight.ts).
 */
export async function runPlaybook(options: RunOptions): Promise<RunOutcome> {
  const runId = resolveRunId(options.extraVars, options.runId);
  const plays = resolvePlayKeywords(options.playbook.plays, options.extraVars, runId, options.vaultSecrets);
  const run = createRunContext(options, runId);
  const playHosts = plays.map((p) => selectPlayHosts(run, p));
  if (plays.length > 0) preflight(run, plays[0], playHosts[0]);
  const targeted = [...new Set(playHosts.flat())];
  const lastPlay = new Map<string, number>();
  playHosts.forEach((hosts, i) => hosts.forEach((h) => lastPlay.set(h, i)));
  run.bus.emit({ type: 'run-start', playbook: options.playbook.file, hosts: targeted, check: options.check, time: new Date().toISOString(), runId });
  const onAbort = (): void => run.bus.emit({ type: 'interrupted', signal: signalName(options.signal) });
  options.signal?.addEventListener('abort', onAbort, { once: true });

  let halted: HaltInfo | null = null;
  const notReached: string[] = [];
  try {
    for (let i = 0; i < plays.length; i++) {
      if (halted || run.interrupted()) {
        notReached.push(...selectPlayHosts(run, plays[i]));
        continue;
      }
      const outcome = await runPlay(run, plays[i], i < plays.length - 1, (h) => lastPlay.get(h) === i);
      notReached.push(...outcome.notReached);
      halted = outcome.halt;
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await closeHostConnections(run.hosts.values());
  }

  const involved = [...run.hosts.values()].filter((h) => targeted.includes(h.name));
  const outcome = buildRunOutcome(involved, { interrupted: run.interrupted(), halted, notReached });
  run.bus.emit({
    type: 'run-end',
    time: new Date().toISOString(),
    stats: outcome.stats,
    interrupted: outcome.interrupted,
    halted: outcome.halted,
    notReached: outcome.notReached,
    stoppedEarly: outcome.stoppedEarly,
  });
  return outcome;
}

function signalName(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  return typeof reason === 'string' ? reason : 'abort';
}

/** How a play ended. */
interface PlayOutcome {
  readonly halt: HaltInfo | null;
  /** Hosts left out: later batches after a halt or interrupt, and hosts cut short. */
  readonly notReached: readonly string[];
}

/**
 * Runs one play: its hosts in `serial` batches, one batch after another, each with the
 * play's strategy. After a batch, the rollout halts (later batches untouched) when the batch
 * broke its failure budget, or when every host of it failed and more work was left.
 * `isLastPlay(host)`: this is the host's last play (it gets `host-end` when it completes it).
 */
async function runPlay(run: RunContext, play: Play, moreAfter: boolean, isLastPlay: (host: string) => boolean): Promise<PlayOutcome> {
  const hosts = selectPlayHosts(run, play);
  run.bus.emit({ type: 'play-start', play: play.name, hosts });
  const playCtx: PlayContext = { run, play, hosts };
  const batches = splitIntoBatches(hosts, play.serial);
  const strategy = play.strategy === 'free' ? runFree : runLinear;
  const notReached: string[] = [];

  for (let i = 0; i < batches.length; i++) {
    const later = batches.slice(i + 1).flat();
    if (run.interrupted()) {
      notReached.push(...batches.slice(i).flat());
      break;
    }
    const batch: BatchContext = { playCtx, number: i + 1, hosts: batches[i], failed: new Set(), halt: null, runOnce: new Map(), completed: new Set() };
    run.bus.emit({ type: 'batch-start', play: play.name, batch: batch.number, batches: batches.length, hosts: batch.hosts });
    for (const h of batch.hosts) run.hosts.get(h)!.notified.clear();
    await strategy(
      batch,
      batch.hosts.filter((h) => run.hosts.get(h)!.alive),
    );
    emitHostEnds(batch, isLastPlay);

    const cut = batch.hosts.filter((h) => !batch.completed.has(h) && run.hosts.get(h)!.alive);
    notReached.push(...cut);
    if (!batch.halt && !run.interrupted() && (later.length > 0 || moreAfter) && batch.hosts.every((h) => !run.hosts.get(h)!.alive)) {
      batch.halt = { play: play.name, batch: batch.number, reason: `every host of batch ${batch.number} failed or was unreachable` };
    }
    if (batch.halt) {
      run.bus.emit({ type: 'batch-halted', play: play.name, batch: batch.number, reason: batch.halt.reason, remaining: [...cut, ...later] });
      notReached.push(...later);
      return { halt: batch.halt, notReached };
    }
    if (batch.ended === 'play') {
      // meta: end_play: the later batches' hosts are done with this play without running it.
      const skipped: BatchContext = { ...batch, number: i + 2, hosts: later.filter((h) => run.hosts.get(h)!.alive), completed: new Set(later) };
      emitHostEnds(skipped, isLastPlay);
      break;
    }
  }
  return { halt: null, notReached };
}

/** A scheduling policy: runs a batch's tasks and handlers on its hosts; fills batch.completed. */
type Strategy = (batch: BatchContext, hosts: readonly string[]) => Promise<void>;

/**
 * Ansible's `linear`: each task runs on every host of the batch before the next one starts;
 * a host that fails drops out. Handlers run after each section (pre_tasks, tasks, post_tasks).
 */
const runLinear: Strategy = async (batch, hosts) => {
  for (const h of await runPlaySections(batch, hosts, createPlayScope(batch.playCtx.play))) batch.completed.add(h);
};

/**
 * Ansible's `free`: every host goes through the tasks at its own pace, not waiting for the
 * others; its handlers run when it is done with each section. The forks limit still applies.
 */
const runFree: Strategy = async (batch, hosts) => {
  const scope = createPlayScope(batch.playCtx.play);
  await Promise.all(
    hosts.map(async (host) => {
      for (const h of await runPlaySections(batch, [host], scope)) batch.completed.add(h);
    }),
  );
};

/**
 * Runs a play's `pre_tasks`, `tasks` and `post_tasks` on hosts, each section followed by the
 * handlers it notified, as Ansible's implicit flush points do. A host that fails (or becomes
 * unreachable, or is cut off) in a section or its handlers goes no further. Returns the hosts
 * that got through every section.
 */
async function runPlaySections(batch: BatchContext, hosts: readonly string[], scope: Scope): Promise<string[]> {
  let active = [...hosts];
  // Hosts that ended the play on purpose (meta: end_host) got through it too.
  const ended: string[] = [];
  const keep = (outcome: WalkOutcome): void => {
    ended.push(...active.filter((h) => outcome.ended.has(h)));
    active = active.filter((h) => !leftOut(outcome, h));
  };
  for (const section of playSections(batch.playCtx.play)) {
    if (active.length === 0) break;
    keep(await walkNodes(batch, section, active, scope));
    keep(await flushHandlers(batch, active));
  }
  return hosts.filter((h) => active.includes(h) || ended.includes(h));
}

/**
 * Runs task nodes in order on a set of hosts: each task on every host still in, before the
 * next task (the linear strategy; the free strategy calls this with one host). A host that
 * fails drops out of the rest of the list. A block runs its tasks, then `rescue` on the hosts
 * that failed in it (which clears the failure), then `always` on every host that entered it.
 */
async function walkNodes(batch: BatchContext, nodes: readonly TaskNode[], hosts: readonly string[], scope: Scope): Promise<WalkOutcome> {
  const out = emptyWalkOutcome();
  let active = [...hosts];
  const drop = (gone: Iterable<string>, into: Set<string>): void => {
    const set = new Set(gone);
    if (set.size === 0) return;
    for (const h of set) into.add(h);
    active = active.filter((h) => !set.has(h));
  };
  const dropLeftOut = (res: WalkOutcome): void => {
    drop(res.unreachable, out.unreachable);
    drop(res.failed, out.failed);
    drop(res.cut, out.cut);
    drop(res.ended, out.ended);
  };

  for (const node of nodes) {
    if (active.length === 0) break;
    if (isStopped(batch)) {
      drop(active, out.cut);
      break;
    }
    if (batch.ended) {
      // end_batch / end_play on one host (the free strategy walks hosts apart): the others end too.
      drop(active, out.ended);
      break;
    }
    if (node.kind === 'task' && node.module === 'meta') {
      // Carried out by the engine, with no result of its own (Ansible counts none).
      const action = metaAction(node.args);
      if (action === 'flush_handlers') dropLeftOut(await flushHandlers(batch, active));
      else if (action === 'end_host') drop(endingHosts(batch, node, scope, active), out.ended);
      else if ((action === 'end_batch' || action === 'end_play') && endingHosts(batch, node, scope, active.slice(0, 1)).length > 0) {
        // Decided on the first host alone, as Ansible does; every host still in ends.
        batch.ended = action === 'end_play' ? 'play' : 'batch';
        drop(active, out.ended);
      }
    } else if (node.kind === 'task') {
      const res = await runTaskOnHosts(batch, node, scope, active);
      drop(res.unreachable, out.unreachable);
      drop(res.failed, out.failed);
      drop(res.notStarted, out.cut);
    } else {
      dropLeftOut(node.include ? await walkInclude(batch, { ...node, include: node.include }, active, scope) : await walkBlock(batch, node, active, scope));
    }
  }
  return out;
}

async function walkBlock(batch: BatchContext, block: Block, hosts: readonly string[], outer: Scope): Promise<WalkOutcome> {
  const scope = enterScope(outer, block);
  const hasRescue = block.rescue.length > 0;
  const out = emptyWalkOutcome();
  addWalkOutcome(out, await walkNodes(batch, block.block, hosts, withRescuable(scope, hasRescue || outer.rescuable)));
  if (hasRescue && out.failed.size > 0) {
    const rescue = await walkNodes(batch, block.rescue, [...out.failed], withRescuable(scope, outer.rescuable));
    out.failed.clear();
    addWalkOutcome(out, rescue);
  }
  if (block.always.length > 0) {
    const entered = hosts.filter((h) => !out.unreachable.has(h) && !out.cut.has(h) && !out.ended.has(h));
    addWalkOutcome(out, await walkNodes(batch, block.always, entered, withRescuable(scope, outer.rescuable)));
  }
  for (const h of out.unreachable) out.failed.delete(h);
  for (const h of out.cut) out.failed.delete(h);
  return out;
}

/**
 * Ansible's dynamic include (`include_tasks`, `include_role`): decided per host when reached
 * (dynamic-include.ts). Its own `tags` decide whether it runs at all; its `when` is checked
 * once per host (per item in a loop), not for each task inside; each host that includes the
 * file records one ok per item, as Ansible counts "included". The tasks inside then run with
 * the include's `vars` and the host's loop item — item by item, every host that has an item N
 * running it before N+1, as Ansible's linear strategy runs the same file for the same item together.
 */
async function walkInclude(batch: BatchContext, block: Block & { include: DynamicInclude }, hosts: readonly string[], outer: Scope): Promise<WalkOutcome> {
  const out = emptyWalkOutcome();
  const run = batch.playCtx.run;
  const own = enterScope(outer, block);
  if (!shouldRunForTags(own.tags, run.options.tags, run.options.skipTags)) return out;
  const task = includeTask(block, block.include);

  const items = new Map<string, IncludeItem[]>();
  for (const name of hosts) {
    if (run.interrupted()) {
      out.cut.add(name);
      continue;
    }
    const env: TaskEnv = { run, batch, host: run.hosts.get(name)!, task, scope: own, check: own.checkMode ?? run.options.check, name: task.name! };
    const included = decideInclude(env, block.include.what);
    for (const outcome of included.outcomes) {
      const status = reportOutcome(env, outcome);
      if (status === 'failed' || status === 'rescued') out.failed.add(name);
    }
    if (!out.failed.has(name) && included.items.length > 0) items.set(name, included.items);
  }

  const inner = includedScope(outer, block);
  const rounds = Math.max(0, ...[...items.values()].map((list) => list.length));
  let active = [...items.keys()];
  for (let i = 0; i < rounds && active.length > 0; i++) {
    const layer = new Map(active.flatMap((h) => (items.get(h)![i] ? [[h, items.get(h)![i]] as const] : [])));
    if (layer.size === 0) continue;
    const res = await walkNodes(batch, block.block, [...layer.keys()], { ...inner, hostVars: [...(inner.hostVars ?? []), layer] });
    addWalkOutcome(out, res);
    active = active.filter((h) => !leftOut(res, h));
  }
  return out;
}

/**
 * Runs the notified handlers at the end of a batch's tasks, in the order the play defines
 * them, each on the hosts that notified it (and are still in), once. A handler may notify a
 * later one.
 */
async function flushHandlers(batch: BatchContext, hosts: readonly string[]): Promise<WalkOutcome> {
  const out = emptyWalkOutcome();
  const { run, play } = batch.playCtx;
  let active = [...hosts];
  const scope = createPlayScope(play);
  for (const handler of play.handlers) {
    const targets = active.filter((h) => run.hosts.get(h)!.notified.has(handler));
    if (targets.length === 0) continue;
    if (isStopped(batch)) {
      for (const h of active) out.cut.add(h);
      break;
    }
    for (const h of targets) run.hosts.get(h)!.notified.delete(handler);
    const res = await runTaskOnHosts(batch, handler, scope, targets, true);
    for (const h of res.failed) out.failed.add(h);
    for (const h of res.unreachable) out.unreachable.add(h);
    for (const h of res.notStarted) out.cut.add(h);
    active = active.filter((h) => !leftOut(out, h));
  }
  return out;
}
