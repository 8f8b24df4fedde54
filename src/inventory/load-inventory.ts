import { InputError, type InputProblem } from '../errors/input-error.js';
import { createInputError } from '../schema/clean-problems.js';
import { loadYamlFile, loadYamlText, type YamlSource } from '../schema/load-yaml.js';
import { validateWithSchema } from '../schema/validate.js';
import { InventoryBuilder } from './inventory-builder.js';
import { findPluginConfig, readInventoryDocument } from './read-inventory-document.js';
import { addStructureKeyHint } from './structure-key-hint.js';
import type { Inventory } from './types.js';

const EXPECTED = 'an inventory: a mapping of groups (all: {hosts, children, vars})';

/**
 * Loads one or more inventory files (`-i a.yaml -i b.yaml`) and merges them as Ansible
 * does: groups and hosts named in several files are the same group or host, and a later
 * file's variables replace an earlier file's. Throws one InputError listing every problem
 * of every file (YAML, schema, cycles among children) with `file:line:col`.
 */
export function loadInventory(files: readonly string[]): Inventory {
  const sources: YamlSource[] = [];
  const problems: InputProblem[] = [];
  for (const file of files) {
    try {
      sources.push(loadYamlFile(file, { expected: EXPECTED }));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.problems);
    }
  }
  return buildInventory(sources, problems);
}

/** The same as loadInventory for one file's text (`file` is used in messages): tests, fuzzing, editors. */
export function loadInventoryText(text: string, file: string): Inventory {
  let source: YamlSource;
  try {
    source = loadYamlText(text, file, { expected: EXPECTED });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return buildInventory([], error.problems);
  }
  return buildInventory([source]);
}

/** The inventory of already parsed YAML sources (tests, and callers holding text). */
export function buildInventory(sources: readonly YamlSource[], earlierProblems: readonly InputProblem[] = []): Inventory {
  const builder = new InventoryBuilder();
  const problems = [...earlierProblems];
  for (const source of sources) {
    const plugin = findPluginConfig(source);
    if (plugin) {
      problems.push(plugin);
      continue;
    }
    const found = [...validateWithSchema(source, 'inventory').map(addStructureKeyHint), ...readInventoryDocument(source, builder)];
    problems.push(...found.sort((a, b) => a.line - b.line || a.col - b.col));
  }
  if (problems.length > 0) throw createInputError(problems);
  return builder.build(sources.map((s) => s.file));
}
