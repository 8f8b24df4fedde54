import { type Dirent, existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, extname, isAbsolute, join, normalize } from 'node:path';
import { InputError, formatProblemHeadline } from '../errors/input-error.js';
import type { PlanContext } from './module.js';
import { compilePythonRegex, toBinary } from './python-regex.js';

/**
 * Where include_vars finds its files on the controller, and how it reads them, in Ansible's
 * order and with Ansible's messages (ansible-core 2.14's include_vars action).
 */

/** A problem that fails the task with Ansible's message. */
export class IncludeVarsFailure extends Error {}

type Where = Pick<PlanContext, 'playbookDir' | 'roleDir' | 'taskFile'>;

function expandUser(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

/**
 * The places a `file` is looked for, in order, as Ansible's search path gives them: the
 * role's directory, the task file's directory, then the playbook's; in each, `vars/NAME`
 * (unless NAME starts with `vars/`) then `NAME`. Duplicates are kept, as Ansible lists them.
 */
export function varsFileCandidates(name: string, where: Where): string[] {
  if (isAbsolute(name) || name.startsWith('~')) return [normalize(expandUser(name))];
  const taskDir = where.taskFile === undefined ? where.playbookDir : dirname(where.taskFile);
  const bases = [...(where.roleDir === undefined ? [] : [where.roleDir]), taskDir, where.playbookDir];
  const inVars = name.split('/')[0] !== 'vars';
  return bases.flatMap((base) => [...(inVars ? [join(normalize(base), 'vars', name)] : []), join(normalize(base), name)]);
}

/** The file Ansible would read for `file`, or a failure with Ansible's "Could not find or access" text. */
export function findVarsFile(name: string, where: Where): string {
  const candidates = varsFileCandidates(name, where);
  const found = candidates.find((c) => existsSync(c));
  if (found !== undefined) return found;
  const absolute = isAbsolute(name) || name.startsWith('~');
  const searched = absolute ? '' : `\nSearched in:\n\t${candidates.join('\n\t')}`;
  throw new IncludeVarsFailure(
    `Could not find or access '${name}'${searched} on the Ansible Controller.\nIf you are using a module and expect the file to exist on the remote, see the remote_src option`,
  );
}

/** The directory `dir` names: under the role's vars/ in a role, else beside the task's file. */
export function resolveVarsDir(dir: string, where: Where): string {
  if (where.roleDir !== undefined) {
    if (dir.split('/')[0] === 'vars') {
      const inRole = join(where.roleDir, dir);
      return existsSync(inRole) ? inRole : dir;
    }
    return join(where.roleDir, 'vars', dir);
  }
  if (isAbsolute(dir)) return dir;
  return join(where.taskFile === undefined ? where.playbookDir : dirname(where.taskFile), dir);
}

/** One vars file's variables; a file that is not a mapping fails as Ansible says it. */
export function loadVarsFile(file: string, read: PlanContext['readVarsFile']): Record<string, unknown> {
  if (read === undefined) throw new IncludeVarsFailure('include_vars: no vars file reader in this context');
  try {
    return { ...read(file) };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    if (error.problems.some((p) => p.message.startsWith('a vars file holds a mapping'))) {
      throw new IncludeVarsFailure(`${file} must be stored as a dictionary/hash`);
    }
    throw new IncludeVarsFailure(error.problems.map(formatProblemHeadline).join('\n'));
  }
}

/** What selects a directory's files. */
export interface DirSelection {
  readonly depth: number;
  readonly filesMatching?: string;
  readonly ignoreFiles: readonly string[];
  readonly extensions: readonly string[];
  readonly ignoreUnknownExtensions: boolean;
}

/**
 * The files of a directory include_vars reads, in its order: every directory under it (links
 * to directories are not entered, unreadable ones left out), sorted by path, the first
 * `depth` of them in that order (Ansible counts directories, not levels), each one's files
 * by name.
 */
export function selectDirFiles(root: string, sel: DirSelection): string[] {
  const matcher = sel.filesMatching === undefined ? undefined : pythonRegex(sel.filesMatching);
  const ignores = sel.ignoreFiles.map((p) => pythonRegex(`${p}$`));
  const dirs = walk(root).sort((a, b) => compareText(a.dir, b.dir));
  const files: string[] = [];
  for (const { dir, names } of sel.depth === 0 ? dirs : dirs.slice(0, sel.depth)) {
    for (const name of names.sort(compareText)) {
      const binary = toBinary(name);
      if (matcher !== undefined && !matcher.test(binary)) continue;
      const path = join(dir, name);
      if (!existsSync(path) || ignores.some((re) => re.test(binary))) continue;
      const valid = sel.extensions.includes(extname(name).slice(1));
      if (!valid && sel.ignoreUnknownExtensions) continue;
      if (!valid) throw new IncludeVarsFailure(`${path} does not have a valid extension: ${sel.extensions.join(', ')}`);
      files.push(path);
    }
  }
  return files;
}

function walk(root: string): { dir: string; names: string[] }[] {
  const out: { dir: string; names: string[] }[] = [];
  const visit = (dir: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const names: string[] = [];
    const subdirs: string[] = [];
    for (const e of entries) {
      if (e.isDirectory()) subdirs.push(e.name);
      else if (e.isSymbolicLink() && isDirectory(join(dir, e.name))) continue;
      else names.push(e.name);
    }
    out.push({ dir, names });
    for (const sub of subdirs) visit(join(dir, sub));
  };
  visit(root);
  return out;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function pythonRegex(pattern: string): RegExp {
  try {
    return compilePythonRegex(pattern);
  } catch (error) {
    throw new IncludeVarsFailure(`Invalid regular expression: ${pattern} (${(error as Error).message})`);
  }
}

/** Python's str order (code points), not the locale's. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
