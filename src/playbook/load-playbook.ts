import type { InputProblem } from '../errors/input-error.js';
import { createInputError } from '../schema/clean-problems.js';
import type { Inventory } from '../inventory/types.js';
import { loadYamlFile, loadYamlText } from '../schema/load-yaml.js';
import { validateWithSchema } from '../schema/validate.js';
import type { YamlSource } from '../schema/yaml-source.js';
import { checkModuleArgs } from './check-module-args.js';
import { checkPlaybook } from './check-playbook.js';
import { expandKeyValueArgs } from './expand-key-value.js';
import { expandLocalAction } from './expand-local-action.js';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../errors/input-error.js';
import { containsTemplate } from '../template/syntax.js';
import { checkNotify } from './check-notify.js';
import { deepFreeze } from './freeze.js';
import { IncludeLoader } from './include-loader.js';
import { normalisePlaybook } from './normalise-play.js';
import { toConditions, toTags } from './normalise-values.js';
import type { Play, Playbook, TaskNode } from './types.js';
import type { VaultSecret } from '../vault/vault-secrets.js';
import { readPlayVarsFiles } from './vars-files.js';

export interface LoadPlaybookOptions {
  /** When given, each play's `hosts` pattern is checked against it. */
  readonly inventory?: Inventory;
  /** Passwords for vault data: `!vault` values, encrypted vars files (in the playbook, its vars files and roles). */
  readonly vaultSecrets?: readonly VaultSecret[];
  /** Where roles are looked for after the playbook's roles/ (ansible.cfg's roles_path); default: ANSIBLE_ROLES_PATH or Ansible's. */
  readonly rolesPath?: readonly string[];
}

const EXPECTED = 'a playbook: a list of plays (- hosts: ...)';

/**
 * Loads, validates and normalises a playbook file. Throws one InputError listing every
 * problem of the file (YAML, schema, modules, templates, expressions, notify, hosts).
 */
export function loadPlaybook(file: string, options: LoadPlaybookOptions = {}): Playbook {
  return buildPlaybook(loadYamlFile(file, { expected: EXPECTED, vaultSecrets: options.vaultSecrets }), options);
}

/** The same as loadPlaybook, from text (tests, editors). */
export function loadPlaybookText(text: string, file: string, options: LoadPlaybookOptions = {}): Playbook {
  return buildPlaybook(loadYamlText(text, file, { expected: EXPECTED, vaultSecrets: options.vaultSecrets }), options);
}

/**
 * Validates and normalises an already parsed playbook, with everything it pulls in:
 * `import_playbook`, vars files, roles, imported and included task files — each checked, every
 * problem of every file reported at once.
 */
export function buildPlaybook(written: YamlSource, options: LoadPlaybookOptions = {}): Playbook {
  const problems: InputProblem[] = [];
  const loader = new IncludeLoader(dirname(written.file), problems, options.vaultSecrets, options.rolesPath);
  const plays = buildPlays(written, options, loader, []);
  if (problems.length === 0) problems.push(...checkNotify(plays));
  if (problems.length > 0) throw createInputError(dedupe(problems));
  return deepFreeze({ file: written.file, plays });
}

/** The plays of one playbook file; `importing`: the playbook files above it (an import loop is reported). */
function buildPlays(written: YamlSource, options: LoadPlaybookOptions, loader: IncludeLoader, importing: readonly string[]): Play[] {
  const source = expandKeyValueArgs(expandLocalAction(written));
  let problems = dedupe([...validateWithSchema(source, 'playbook'), ...checkPlaybook(source, options)]);
  // The modules' own checks expect well-formed arguments, so they come once the rest passed.
  if (problems.length === 0) problems = dedupe(checkModuleArgs(source));
  if (problems.length > 0) {
    loader.problems.push(...createInputError(problems).problems);
    return [];
  }
  const varsFiles = (source.value as unknown[]).map((_play, p) => readPlayVarsFiles(source, p, loader.problems, options.vaultSecrets));
  const importPlaybook = (raw: Readonly<Record<string, unknown>>, p: number): Play[] => {
    const at = source.keyPosOf([p, 'import_playbook' in raw ? 'import_playbook' : 'ansible.builtin.import_playbook']);
    const path = String(raw.import_playbook ?? raw['ansible.builtin.import_playbook']);
    const file = resolve(dirname(source.file), path);
    if (containsTemplate(path)) loader.report(at, 'import_playbook: a path written as a template is not supported yet; write the path');
    else if ([...importing, source.file].includes(file))
      loader.report(at, `import_playbook: ${file} imports itself: ${[...importing, source.file, file].join(' → ')}`);
    else if (!existsSync(file)) loader.report(at, `import_playbook: ${JSON.stringify(path)} not found (looked for ${file})`);
    else {
      try {
        const plays = buildPlays(loadYamlFile(file, { expected: EXPECTED, vaultSecrets: options.vaultSecrets }), options, loader, [...importing, source.file]);
        return plays.map((play) => withImportKeywords(play, raw));
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        loader.problems.push(...error.problems);
      }
    }
    return [];
  };
  return [...normalisePlaybook(source, varsFiles, loader, importPlaybook).plays];
}

/** An imported play with the `import_playbook` entry's own vars (below the play's) and tags. */
function withImportKeywords(play: Play, raw: Readonly<Record<string, unknown>>): Play {
  const vars = (raw.vars ?? {}) as Readonly<Record<string, unknown>>;
  const tags = toTags(raw.tags);
  const when = toConditions(raw.when);
  if (Object.keys(vars).length === 0 && tags.length === 0 && !when) return play;
  const guard = (nodes: readonly TaskNode[]): TaskNode[] =>
    when && nodes.length > 0 ? [{ kind: 'block', when, tags: [], vars: {}, pos: play.pos, block: nodes, rescue: [], always: [] }] : [...nodes];
  return {
    ...play,
    vars: { ...vars, ...play.vars },
    tags: [...new Set([...play.tags, ...tags])],
    preTasks: guard(play.preTasks),
    tasks: guard(play.tasks),
    postTasks: guard(play.postTasks),
  };
}

function dedupe(problems: InputProblem[]): InputProblem[] {
  const seen = new Set<string>();
  return problems
    .sort((a, b) => a.line - b.line || a.col - b.col)
    .filter((p) => {
      const key = `${p.line}:${p.col}:${p.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}
