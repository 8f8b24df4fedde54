import type { InputProblem } from '../errors/input-error.js';
import type { SourcePos, YamlPath, YamlSource } from '../schema/yaml-source.js';
import type { RoleRef } from './role-path.js';
import type { VaultSecret } from '../vault/vault-secrets.js';
import type { TaskKeywords, TaskNode } from './types.js';

/**
 * The seams between the playbook's normaliser and the loader of the files it pulls in
 * (include-loader.ts, play-roles.ts), which call each other recursively: each side sees the
 * other through these interfaces only.
 */

/** Where a task list was written: relative includes are looked up from here. */
export interface FileContext {
  /** The directory of the file that holds the include. */
  readonly dir: string;
  /** Set inside a role: its tasks/ directory is searched first. */
  readonly role?: RoleRef;
}

/** One use of a role: which one, and which of its files. */
export interface RoleCall {
  readonly ref: RoleRef;
  readonly tasksFrom?: string;
  readonly varsFrom?: string;
  readonly defaultsFrom?: string;
  readonly handlersFrom?: string;
}

/** The roles of the play being read. */
export interface RoleTasks {
  tasksOf(call: RoleCall, at: SourcePos): TaskNode[];
}

/** Reads the files a playbook pulls in, collecting problems. */
export interface TaskListReader {
  readonly playbookDir: string;
  readonly problems: InputProblem[];
  /** Passwords for vault data in the files read. */
  readonly vaultSecrets?: readonly VaultSecret[];
  /** The roles of the play being read (set by the playbook's normaliser at each play). */
  roles: RoleTasks | undefined;
  readTaskList(file: string, context: FileContext, key?: 'tasks' | 'handlers', at?: SourcePos): TaskNode[];
  findTasksFile(path: string, context: FileContext, at: SourcePos, what: string): string | undefined;
  findRole(name: string, context: FileContext, at: SourcePos): RoleRef | undefined;
  report(at: SourcePos | undefined, message: string): void;
}

/** What an include needs of the normaliser of the file that holds it. */
export interface IncludingFile {
  readonly source: YamlSource;
  readonly loader?: TaskListReader;
  readonly context: FileContext;
  keywords(raw: Readonly<Record<string, unknown>>, path: YamlPath): TaskKeywords;
}
