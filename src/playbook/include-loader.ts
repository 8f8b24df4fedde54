import { isAbsolute, join, normalize, resolve } from 'node:path';
import { InputError, type InputProblem } from '../errors/input-error.js';
import { createInputError } from '../schema/clean-problems.js';
import { loadYamlFile } from '../schema/load-yaml.js';
import { validateWithSchema } from '../schema/validate.js';
import type { SourcePos, YamlSource } from '../schema/yaml-source.js';
import { checkModuleArgs } from './check-module-args.js';
import { checkPlaybook } from './check-playbook.js';
import { expandKeyValueArgs } from './expand-key-value.js';
import { expandLocalAction } from './expand-local-action.js';
import { TaskNormaliser } from './normalise-task.js';
import type { FileContext, RoleTasks, TaskListReader } from './include-types.js';
import { findRoleDir, type RoleRef } from './role-path.js';
import { asOnePlaySource } from './task-file-source.js';
import type { TaskNode } from './types.js';
import type { VaultSecret } from '../vault/vault-secrets.js';
import { isFile } from '../files/path-kind.js';

/** How deep imports may nest before tpx calls it a loop (Ansible has no limit and recurses until Python gives up). */
const MAX_DEPTH = 64;
/**
 * How many task lists one playbook may pull in, counting each import again: a file that
 * imports the next one twice, 16 deep, is 65,536 reads (and as many copies of its tasks).
 */
const MAX_READS = 10_000;

/**
 * Reads the files a playbook pulls in — tasks files of `import_tasks`/`include_tasks` and the
 * parts of roles — each checked like the playbook itself (schema, modules, templates), with
 * every problem reported at its place in its own file. Problems are collected, not thrown, so
 * that one run of `tpx validate` lists them all.
 */
export class IncludeLoader implements TaskListReader {
  private readonly stack: string[] = [];
  private reads = 0;
  /** Each file checked once, however often it is pulled in (undefined: it has problems, reported). */
  private readonly checked = new Map<string, YamlSource | undefined>();
  /** The roles of the play being read (set per play by the playbook's normaliser). */
  roles: RoleTasks | undefined;

  constructor(
    readonly playbookDir: string,
    readonly problems: InputProblem[],
    readonly vaultSecrets?: readonly VaultSecret[],
    /** Where roles are looked for after the playbook's roles/ (ansible.cfg's roles_path); default: ANSIBLE_ROLES_PATH or Ansible's. */
    readonly rolesPath?: readonly string[],
  ) {}

  /**
   * The tasks of a tasks file (or a role's handlers, `key: 'handlers'`), normalised in the
   * given role context. An empty file holds no tasks. Returns [] after reporting a problem.
   */
  readTaskList(file: string, context: FileContext, key: 'tasks' | 'handlers' = 'tasks', at?: SourcePos): TaskNode[] {
    if (this.stack.includes(file)) {
      this.report(at, `${file} includes itself: ${[...this.stack.slice(this.stack.indexOf(file)), file].join(' → ')}`);
      return [];
    }
    if (this.stack.length >= MAX_DEPTH) {
      this.report(at, `includes nest more than ${MAX_DEPTH} deep: ${this.stack.join(' → ')}`);
      return [];
    }
    if (++this.reads > MAX_READS) {
      if (this.reads === MAX_READS + 1)
        this.report(at, `the playbook pulls in task files more than ${MAX_READS} times (imports that fan out); import each file once`);
      return [];
    }
    const adapted = this.check(file, key);
    if (!adapted) return [];
    this.stack.push(file);
    try {
      const [play] = adapted.value as Record<string, unknown>[];
      return new TaskNormaliser(adapted, this, context).nodes(play[key], [0, key]);
    } finally {
      this.stack.pop();
    }
  }

  /**
   * A tasks file named by an include: absolute, or relative to (in order) the role's tasks/,
   * the including file's directory, the playbook's directory. Reports and returns undefined
   * when none exists.
   */
  findTasksFile(path: string, context: FileContext, at: SourcePos, what: string): string | undefined {
    const candidates = isAbsolute(path)
      ? [path]
      : [...(context.role ? [resolve(context.role.dir, 'tasks', path)] : []), under(context.dir, path), under(this.playbookDir, path)];
    const found = candidates.find(isFile);
    if (!found) this.report(at, `${what}: ${JSON.stringify(path)} not found; looked for ${[...new Set(candidates)].join(', ')}`);
    return found;
  }

  /** Finds a role by name or path; reports and returns undefined when it is not there. */
  findRole(name: string, context: FileContext, at: SourcePos): RoleRef | undefined {
    const found = findRoleDir(name, this.playbookDir, context.role, this.rolesPath);
    if ('looked' in found) {
      this.report(
        at,
        `role ${JSON.stringify(name)} not found; looked in ${found.looked.join(', ')} (roles_path in ansible.cfg or ANSIBLE_ROLES_PATH add places)`,
      );
      return undefined;
    }
    return found;
  }

  /** Reports a problem at a position of an input file (the playbook's start when none). */
  report(at: SourcePos | undefined, message: string): void {
    this.problems.push({ ...(at ?? { file: this.playbookDir, line: 1, col: 1 }), message });
  }

  /** The file as a one-play playbook, checked (schema, modules, templates) the first time only. */
  private check(file: string, key: 'tasks' | 'handlers'): YamlSource | undefined {
    const cacheKey = `${key}\0${file}`;
    if (this.checked.has(cacheKey)) return this.checked.get(cacheKey);
    let adapted: YamlSource | undefined;
    const source = this.load(file, key === 'tasks' ? 'a list of tasks' : 'a list of handlers');
    if (source) {
      adapted = expandKeyValueArgs(expandLocalAction(asOnePlaySource(source, key)));
      let found = [...validateWithSchema(adapted, 'playbook'), ...checkPlaybook(adapted, { notify: false })];
      if (found.length === 0) found = checkModuleArgs(adapted);
      if (found.length > 0) {
        this.problems.push(...createInputError(found).problems);
        adapted = undefined;
      }
    }
    this.checked.set(cacheKey, adapted);
    return adapted;
  }

  private load(file: string, expected: string): ReturnType<typeof loadYamlFile> | undefined {
    try {
      const source = loadYamlFile(file, { expected, allowEmpty: true, vaultSecrets: this.vaultSecrets });
      return source.value === null || source.value === undefined ? { ...source, value: [] } : source;
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      this.problems.push(...error.problems);
      return undefined;
    }
  }
}

/**
 * `path` below `dir`, named as `dir` is: relative when the playbook was given relative (so a
 * problem in an imported file reads `playbooks/tasks/x.yaml:8:3`, as the playbook's own do).
 */
function under(dir: string, path: string): string {
  return isAbsolute(dir) ? resolve(dir, path) : normalize(join(dir, path));
}
