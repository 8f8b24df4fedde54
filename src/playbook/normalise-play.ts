import type { YamlSource } from '../schema/yaml-source.js';
import { deepFreeze } from './freeze.js';
import type { TaskListReader } from './include-types.js';
import { TaskNormaliser } from './normalise-task.js';
import { withFactGathering } from './gather-facts.js';
import { PlayRoles } from './play-roles.js';
import { compact, splitBoolean, splitNumeric, toTags } from './normalise-values.js';
import { type Play, type Playbook, playSections, type SerialSpec, type Task, type VarsFile, type VarsPrompt } from './types.js';

type Obj = Readonly<Record<string, unknown>>;

/**
 * Turns a validated playbook (schema and checks passed) into frozen typed objects that
 * keep their source positions. Defaults that belong to the playbook are set here
 * (strategy linear, loop_var item, play name = hosts); inheritance is left to the engine.
 */
export function normalisePlaybook(
  source: YamlSource,
  varsFiles: readonly (readonly VarsFile[])[] = [],
  loader?: TaskListReader,
  importPlaybook?: ImportPlaybook,
): Playbook {
  const tasks = new TaskNormaliser(source, loader);
  const plays = (source.value as Obj[]).flatMap((raw, p): Play[] => {
    if (isPlaybookImport(raw)) return importPlaybook ? importPlaybook(raw, p) : [];
    const roles = loader ? new PlayRoles(loader) : undefined;
    if (loader) loader.roles = roles;
    const preTasks = tasks.nodes(raw.pre_tasks, [p, 'pre_tasks']);
    const roleBlocks = Array.isArray(raw.roles) && roles ? raw.roles.flatMap((entry, i) => roles.entryBlock(entry, source.posOf([p, 'roles', i])) ?? []) : [];
    const hosts = Array.isArray(raw.hosts) ? raw.hosts.map(String).join(',') : String(raw.hosts);
    const templated: Record<string, string> = {};
    const play = compact({
      name: typeof raw.name === 'string' ? raw.name : hosts,
      hosts,
      vars: (raw.vars ?? {}) as Obj,
      become: raw.become as boolean | undefined,
      becomeUser: raw.become_user as string | undefined,
      remoteUser: (raw.remote_user ?? raw.user) as string | undefined,
      environment: raw.environment,
      connection: raw.connection as string | undefined,
      varsFiles: varsFiles[p] ?? [],
      varsPrompt: toVarsPrompts(raw.vars_prompt, (i) => source.posOf([p, 'vars_prompt', i])),
      serial: toSerial(raw.serial),
      maxFailPercentage: splitNumeric(raw.max_fail_percentage, 'max_fail_percentage', templated),
      anyErrorsFatal: splitBoolean(raw.any_errors_fatal, 'any_errors_fatal', templated),
      strategy: (raw.strategy ?? 'linear') as Play['strategy'],
      tags: toTags(raw.tags),
      roleDefaults: roles?.defaults ?? {},
      roleVars: roles?.vars ?? {},
      preTasks,
      // Roles run after pre_tasks and before tasks, in the same handler section as tasks (as in Ansible).
      tasks: [...roleBlocks, ...tasks.nodes(raw.tasks, [p, 'tasks'])],
      postTasks: tasks.nodes(raw.post_tasks, [p, 'post_tasks']),
      // Role handlers come first, as Ansible compiles them.
      handlers: [...(roles?.handlers ?? []), ...(tasks.nodes(raw.handlers, [p, 'handlers']) as Task[])],
      pos: source.posOf([p]),
      keyLines: Object.fromEntries(Object.keys(raw).map((key) => [key, source.keyLineOf([p, key])])),
      templated: Object.keys(templated).length > 0 ? templated : undefined,
    });
    return [withFactGathering(play, raw.gather_facts as boolean | undefined)];
  });
  return deepFreeze({ file: source.file, plays });
}

/** `vars_prompt` entries with Ansible's defaults (private, the name as the question). */
function toVarsPrompts(value: unknown, posOf: (i: number) => VarsPrompt['pos']): VarsPrompt[] {
  if (!Array.isArray(value)) return [];
  return value.map((entry: Obj, i) =>
    compact({
      name: String(entry.name),
      prompt: typeof entry.prompt === 'string' ? entry.prompt : String(entry.name),
      private: entry.private !== false,
      default: entry.default as VarsPrompt['default'],
      confirm: entry.confirm === true,
      pos: posOf(i),
    }),
  );
}

/** Reads an `import_playbook` entry (at index `p`) into the plays it brings. */
export type ImportPlaybook = (raw: Obj, p: number) => Play[];

export function isPlaybookImport(raw: Obj): boolean {
  return 'import_playbook' in raw || 'ansible.builtin.import_playbook' in raw;
}

/** `serial` as written: one value becomes a list of one. */
function toSerial(value: unknown): SerialSpec | undefined {
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? (value as (number | string)[]) : [value as number | string];
}

/** Tasks (also inside blocks, rescue, always) and handlers of a playbook. */
export function countTasks(playbook: Playbook): number {
  const count = (nodes: Play['tasks']): number =>
    nodes.reduce((n, node) => n + (node.kind === 'task' ? 1 : count(node.block) + count(node.rescue) + count(node.always)), 0);
  return playbook.plays.reduce((n, play) => n + playSections(play).reduce((m, section) => m + count(section), 0) + play.handlers.length, 0);
}
