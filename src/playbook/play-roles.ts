import { isFile } from '../files/path-kind.js';
import { join } from 'node:path';
import { InputError } from '../errors/input-error.js';
import { readVarsFile } from '../inventory/read-vars-file.js';
import { SHARED_KEYWORDS } from '../schema/playbook-schema.js';
import { loadYamlFile } from '../schema/load-yaml.js';
import type { SourcePos } from '../schema/yaml-source.js';
import type { RoleCall, RoleTasks, TaskListReader } from './include-types.js';
import { keywordsOf } from './normalise-task.js';
import { compact } from './normalise-values.js';
import type { RoleRef } from './role-path.js';
import type { Block, Task, TaskNode } from './types.js';

type Obj = Readonly<Record<string, unknown>>;

/** Keys of a role entry (`roles:` item, meta dependency) that are not role parameters. */
const ENTRY_KEYS: ReadonlySet<string> = new Set(['role', ...Object.keys(SHARED_KEYWORDS)]);

/**
 * The roles of one play: what each brings (tasks, handlers, defaults, vars), loaded once,
 * with Ansible's rules — dependencies (meta/main.yml) first, a role listed again with the
 * same parameters run only once, defaults and vars of every role visible to the whole play.
 */
export class PlayRoles implements RoleTasks {
  readonly defaults: Record<string, unknown> = {};
  readonly vars: Record<string, unknown> = {};
  readonly handlers: Task[] = [];
  private readonly ran = new Set<string>();
  private readonly loaded = new Set<string>();

  constructor(private readonly loader: TaskListReader) {}

  /**
   * A role entry as written in `roles:` or in meta `dependencies:` — a name, or a mapping
   * with `role:` (or `name:`), keywords and parameters — as a block holding the role's
   * dependencies and tasks. Undefined when the role is missing (reported) or already ran.
   */
  entryBlock(entry: unknown, at: SourcePos, parent?: RoleRef): Block | undefined {
    const raw: Obj = typeof entry === 'string' ? { role: entry } : ((entry ?? {}) as Obj);
    const name = String(raw.role ?? raw.name ?? '');
    const ref = this.loader.findRole(name, { dir: this.loader.playbookDir, role: parent }, at);
    if (!ref) return undefined;
    const params = Object.fromEntries(Object.entries(raw).filter(([k]) => !ENTRY_KEYS.has(k)));
    const key = `${ref.dir}\0${JSON.stringify(params)}`;
    if (this.ran.has(key)) return undefined;
    this.ran.add(key);
    return roleBlock(raw, { ...params, ...((raw.vars ?? {}) as Obj) }, at, this.tasksOf({ ref }, at));
  }

  /** The role's dependencies (each a block), then its own tasks; its defaults, vars and handlers join the play's. */
  tasksOf(call: RoleCall, at: SourcePos): TaskNode[] {
    const { ref } = call;
    const context = { dir: join(ref.dir, 'tasks'), role: ref };
    const nodes: TaskNode[] = [];
    const first = !this.loaded.has(ref.dir);
    this.loaded.add(ref.dir);
    if (first) {
      for (const dep of this.dependencies(ref)) {
        const block = this.entryBlock(dep.entry, dep.at, ref);
        if (block) nodes.push(block);
      }
    }
    const defaults = roleFile(ref.dir, 'defaults', call.defaultsFrom);
    if (defaults) Object.assign(this.defaults, this.readVars(defaults));
    const vars = roleFile(ref.dir, 'vars', call.varsFrom);
    if (vars) Object.assign(this.vars, this.readVars(vars));
    const handlers = roleFile(ref.dir, 'handlers', call.handlersFrom);
    if (handlers && !this.loaded.has(handlers)) {
      this.loaded.add(handlers);
      this.handlers.push(...this.loader.readTaskList(handlers, context, 'handlers', at).filter((node): node is Task => node.kind === 'task'));
    }
    const tasks = roleFile(ref.dir, 'tasks', call.tasksFrom);
    if (tasks) nodes.push(...this.loader.readTaskList(tasks, context, 'tasks', at));
    else if (call.tasksFrom !== undefined)
      this.loader.report(at, `role ${JSON.stringify(ref.name)} has no tasks file ${JSON.stringify(call.tasksFrom)} in ${join(ref.dir, 'tasks')}`);
    return nodes;
  }

  private dependencies(ref: RoleRef): { entry: unknown; at: SourcePos }[] {
    const file = roleFile(ref.dir, 'meta');
    if (!file) return [];
    try {
      const source = loadYamlFile(file, { allowEmpty: true, vaultSecrets: this.loader.vaultSecrets });
      const deps = (source.value as Obj | null)?.dependencies;
      if (deps === undefined || deps === null) return [];
      if (!Array.isArray(deps)) {
        this.loader.report(source.posOf(['dependencies']), 'dependencies must be a list of roles');
        return [];
      }
      return deps.map((entry, i) => ({ entry, at: source.posOf(['dependencies', i]) }));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      this.loader.problems.push(...error.problems);
      return [];
    }
  }

  private readVars(file: string): Obj {
    try {
      return readVarsFile(file, this.loader.vaultSecrets);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      this.loader.problems.push(...error.problems);
      return {};
    }
  }
}

/** A role's file in one of its folders: `main` (or the name given), as is or with .yml, .yaml, .json. */
export function roleFile(roleDir: string, folder: string, name = 'main'): string | undefined {
  return [name, `${name}.yml`, `${name}.yaml`, `${name}.json`].map((candidate) => join(roleDir, folder, candidate)).find(isFile);
}

/** A role's tasks as a block: the entry's keywords apply to each of them, its parameters are the block's vars (a role entry's `name` is the role). */
export function roleBlock(raw: Obj, vars: Obj, at: SourcePos, nodes: TaskNode[]): Block {
  return compact({ kind: 'block' as const, ...keywordsOf(raw, at), name: undefined, vars, block: nodes, rescue: [], always: [] });
}
