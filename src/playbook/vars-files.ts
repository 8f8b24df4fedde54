import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { InputError, type InputProblem } from '../errors/input-error.js';
import { readVarsFile } from '../inventory/read-vars-file.js';
import type { YamlSource } from '../schema/yaml-source.js';
import { containsTemplate } from '../template/syntax.js';
import type { VarsFile } from './types.js';
import type { VaultSecret } from '../vault/vault-secrets.js';

type Obj = Readonly<Record<string, unknown>>;

/**
 * A play's `vars_files` as written — one path or a list, where an entry that is itself a list
 * means "the first of these that exists" — with the files whose paths hold no template read
 * now, relative to the playbook's directory as Ansible resolves them. Problems (no candidate
 * exists, YAML errors inside a file, a file that is not a mapping) go to `problems`, at the
 * entry's line in the playbook or at the line in the vars file.
 */
export function readPlayVarsFiles(source: YamlSource, p: number, problems: InputProblem[], vaultSecrets?: readonly VaultSecret[]): VarsFile[] {
  const play = (source.value as Obj[])[p];
  const written = play.vars_files;
  if (written === undefined || written === null) return [];
  const entries = Array.isArray(written) ? written : [written];
  const baseDir = dirname(source.file);
  return entries.map((entry, i): VarsFile => {
    const path = Array.isArray(written) ? [p, 'vars_files', i] : [p, 'vars_files'];
    const paths = (Array.isArray(entry) ? entry : [entry]).map(String);
    const pos = source.posOf(path);
    if (paths.some(containsTemplate)) return { paths, pos };
    const missing = (message: string): number => problems.push({ ...pos, message, sourceLine: source.lineText(pos.line) });
    return { paths, vars: readVarsEntry(paths, baseDir, missing, problems, vaultSecrets), pos };
  });
}

/**
 * The variables of one `vars_files` entry whose paths are known: its first existing file, read
 * (vault data decrypted). Nothing found goes to `missing`; the file's own problems to
 * `problems`; either way the entry sets no variables.
 */
export function readVarsEntry(
  paths: readonly string[],
  baseDir: string,
  missing: (message: string) => void,
  problems: InputProblem[],
  vaultSecrets?: readonly VaultSecret[],
): Obj {
  const file = findVarsFile(paths, baseDir);
  if (file === undefined) {
    missing(missingVarsFile(paths, baseDir));
    return {};
  }
  try {
    return readVarsFile(file, vaultSecrets);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    problems.push(...error.problems);
    return {};
  }
}

/** The first of `paths` that exists (relative ones against `baseDir`), as Ansible picks a `vars_files` entry. */
function findVarsFile(paths: readonly string[], baseDir: string): string | undefined {
  for (const path of paths) {
    const file = isAbsolute(path) ? path : resolve(baseDir, path);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** What to say when no candidate of a `vars_files` entry exists. */
function missingVarsFile(paths: readonly string[], baseDir: string): string {
  const tried = paths.map((path) => JSON.stringify(path)).join(', ');
  const what = paths.length === 1 ? `${tried} not found` : `none of ${tried} exists`;
  return `vars_files: ${what} (relative paths are read from ${baseDir})`;
}
