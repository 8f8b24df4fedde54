import { renderValue } from '../template/render.js';
import type { HostRuntime } from './host-runtime.js';
import { createLazyVars, type VarEntry } from './lazy-vars.js';
import type { BatchContext, PlayContext, RunContext } from './run-context.js';
import { RUN_ID_VAR } from './run-id.js';

/**
 * Every magic variable the engine sets for a task: the host's own (hostMagic), the play's and
 * the task's (buildTaskVars), and a loop's (loop-items.ts). Other code
 * that must tell them from user variables (the unknown-facts warning) reads this list.
 */
export const MAGIC_VAR_NAMES: readonly string[] = [
  'inventory_hostname',
  RUN_ID_VAR,
  'inventory_hostname_short',
  'group_names',
  'groups',
  'hostvars',
  'ansible_play_hosts_all',
  'ansible_play_hosts',
  'ansible_play_batch',
  'play_hosts',
  'ansible_play_name',
  'ansible_check_mode',
  'ansible_diff_mode',
  'ansible_verbosity',
  'playbook_dir',
  'ansible_failed_task',
  'ansible_failed_result',
  'ansible_loop',
  'ansible_loop_var',
];

/** What the variables of one host at one task are made of. */
export interface TaskVarsInput {
  readonly playCtx: PlayContext;
  readonly batch?: BatchContext;
  readonly host: HostRuntime;
  /** Block and task vars, outermost first. */
  readonly scopeVars: readonly Readonly<Record<string, unknown>>[];
  /** Effective check mode of the task (ansible_check_mode). */
  readonly check: boolean;
  /** Task name, for messages. */
  readonly task?: string;
  /** Final values on top of everything: the loop item, ansible_loop. */
  readonly fixed?: Readonly<Record<string, unknown>>;
}

/**
 * The variables of a host at a task, lowest precedence first (the README, Inventory): role
 * defaults, inventory group and host vars, play vars, vars_files, role vars, block and task vars, registered results and set_fact, `-e` extra
 * vars; then the magic variables and the loop item. Templated values render lazily, when read.
 */
export function buildTaskVars(input: TaskVarsInput): Record<string, unknown> {
  const { playCtx, host, batch } = input;
  const run = playCtx.run;
  const entries = new Map<string, VarEntry>();
  addLayer(entries, playCtx.play.roleDefaults, true);
  addLayer(entries, host.inventory.vars, true);
  addLayer(entries, playCtx.play.vars, true);
  for (const file of playCtx.play.varsFiles) addLayer(entries, file.vars ?? {}, true);
  addLayer(entries, playCtx.play.roleVars, true);
  for (const layer of input.scopeVars) addLayer(entries, layer, true);
  addLayer(entries, host.facts, false);
  addLayer(entries, run.options.extraVars, true);

  const alive = (h: string): boolean => run.hosts.get(h)?.alive ?? false;
  const playHosts = playCtx.hosts.filter(alive);
  const batchHosts = (batch?.hosts ?? playCtx.hosts).filter(alive);
  addLayer(entries, hostMagic(run, host), false);
  addLayer(
    entries,
    {
      hostvars: createHostvarsView(run),
      ansible_play_hosts_all: [...playCtx.hosts],
      ansible_play_hosts: playHosts,
      ansible_play_batch: batchHosts,
      play_hosts: batchHosts,
      ansible_play_name: playCtx.play.name,
      ansible_check_mode: input.check,
      ansible_diff_mode: run.options.diff,
      ansible_verbosity: run.options.verbosity,
      playbook_dir: run.playbookDir,
      ...(host.failedTask ? { ansible_failed_task: host.failedTask, ansible_failed_result: host.failedResult } : {}),
    },
    false,
  );
  if (input.fixed) addLayer(entries, input.fixed, false);
  return createLazyVars(entries, (value, vars) => renderValue(value, { vars, host: host.name, task: input.task }));
}

/** The magic variables that describe the host itself. */
function hostMagic(run: RunContext, host: HostRuntime): Record<string, unknown> {
  return {
    inventory_hostname: host.name,
    [RUN_ID_VAR]: run.runId,
    inventory_hostname_short: host.name.split('.')[0],
    group_names: [...host.inventory.groupNames],
    groups: run.groups,
  };
}

/**
 * `hostvars`: every host's variables by name — inventory vars, its registered results and
 * facts, `-e`, and its own magic variables — each built only when looked at.
 */
export function createHostvarsView(run: RunContext): Record<string, unknown> {
  const views = new Map<string, Record<string, unknown>>();
  const viewOf = (name: string): Record<string, unknown> | undefined => {
    const host = run.hosts.get(name);
    if (!host) return undefined;
    let view = views.get(name);
    if (!view) {
      const entries = new Map<string, VarEntry>();
      addLayer(entries, host.inventory.vars, true);
      addLayer(entries, host.facts, false);
      addLayer(entries, run.options.extraVars, true);
      addLayer(entries, hostMagic(run, host), false);
      view = createLazyVars(entries, (value, vars) => renderValue(value, { vars, host: name }));
      views.set(name, view);
    }
    return view;
  };
  return new Proxy(Object.create(null) as Record<string, unknown>, {
    has: (_t, key) => typeof key === 'string' && run.hosts.has(key),
    get: (_t, key) => (typeof key === 'string' ? viewOf(key) : undefined),
    ownKeys: () => [...run.hosts.keys()],
    getOwnPropertyDescriptor: (_t, key) =>
      typeof key === 'string' && run.hosts.has(key) ? { configurable: true, enumerable: true, writable: false, value: viewOf(key) } : undefined,
    set: () => false,
  });
}

function addLayer(entries: Map<string, VarEntry>, layer: Readonly<Record<string, unknown>>, template: boolean): void {
  for (const [name, value] of Object.entries(layer)) entries.set(name, { value, template });
}
