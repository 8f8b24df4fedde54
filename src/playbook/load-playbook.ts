import type { InputProblem } from '../errors/input-error.js';
import { createInputError } from '../schema/clean-problems.js';
import type { Inventory } from '../inventory/types.js';
import { loadYamlFile, loadYamlText } from '../schema/load-yaml.js';
import { validateWithSchema } from '../schema/validate.js';
import type { YamlSource } from '../schema/yaml-source.js';
import { checkModuleArgs } from './check-module-args.js';
import { checkPlaybook } from './check-playbook.js';
import { expandKeyValueArgs } from './expand-key-value.js';
import { normalisePlaybook } from './normalise-play.js';
import type { Playbook } from './types.js';
import { readPlayVarsFiles } from './vars-files.js';

export interface LoadPlaybookOptions {
  /** When given, each play's `hosts` pattern is checked against it. */
  readonly inventory?: Inventory;
}

const EXPECTED = 'a playbook: a list of plays (- hosts: ...)';

/**
 * Loads, validates and normalises a playbook file. Throws one InputError listing every
 * problem of the file (YAML, schema, modules, templates, expressions, notify, hosts).
 */
export function loadPlaybook(file: string, options: LoadPlaybookOptions = {}): Playbook {
  return buildPlaybook(loadYamlFile(file, { expected: EXPECTED }), options);
}

/** The same as loadPlaybook, from text (tests, editors). */
export function loadPlaybookText(text: string, file: string, options: LoadPlaybookOptions = {}): Playbook {
  return buildPlaybook(loadYamlText(text, file, { expected: EXPECTED }), options);
}

/** Validates and normalises an already parsed playbook. */
export function buildPlaybook(written: YamlSource, options: LoadPlaybookOptions = {}): Playbook {
  const source = expandKeyValueArgs(written);
  let problems = dedupe([...validateWithSchema(source, 'playbook'), ...checkPlaybook(source, options)]);
  // The modules' own checks expect well-formed arguments, so they come once the rest passed.
  if (problems.length === 0) problems = dedupe(checkModuleArgs(source));
  if (problems.length > 0) throw createInputError(problems);
  const varsFiles = (source.value as unknown[]).map((_play, p) => readPlayVarsFiles(source, p, problems));
  if (problems.length > 0) throw createInputError(problems);
  return normalisePlaybook(source, varsFiles);
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
