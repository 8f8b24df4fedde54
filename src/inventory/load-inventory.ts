import type { InputProblem } from '../errors/input-error.js';
import { createInputError } from '../schema/clean-problems.js';
import type { VaultSecret } from '../vault/vault-secrets.js';
import { AdjacentVars } from './adjacent-vars.js';
import { InventoryBuilder } from './inventory-builder.js';
import { resolveInventorySources } from './inventory-sources.js';
import { readHostList, readInventoryFile, readInventoryText } from './read-inventory-file.js';
import type { Inventory } from './types.js';

export interface LoadInventoryOptions {
  /** The playbook's directory: its `group_vars/` and `host_vars/` apply too, over the inventory's. */
  readonly playbookDir?: string;
  /**
   * The secrets that decrypt vault data: `group_vars`/`host_vars` files encrypted whole and
   * `!vault` values (in those files and in YAML inventories). Without any, vault data is an
   * InputError naming the options that give a password.
   */
  readonly vaultSecrets?: readonly VaultSecret[];
}

/**
 * Loads the inventory sources given with `-i` (files in YAML or INI, directories of them,
 * host lists) and merges them as Ansible does: groups and hosts named in several sources are
 * the same group or host, a later source's variables replace an earlier one's, and the
 * `group_vars/` and `host_vars/` beside each source (and beside the playbook) apply with
 * Ansible's precedence. Throws one InputError listing every problem of every file with
 * `file:line:col`; a source that does not exist is a UsageError (exit 5).
 */
export function loadInventory(given: readonly string[], options: LoadInventoryOptions = {}): Inventory {
  const { entries, varsDirs } = resolveInventorySources(given);
  const builder = new InventoryBuilder();
  const problems: InputProblem[] = [];
  const files: string[] = [];
  for (const entry of entries) {
    if ('hostList' in entry) readHostList(entry.hostList, builder);
    else {
      files.push(entry.file);
      problems.push(...readInventoryFile(entry.file, builder, options.vaultSecrets));
    }
  }
  const adjacent = new AdjacentVars(varsDirs, options.playbookDir === undefined ? [] : [options.playbookDir], options.vaultSecrets);
  return finish(builder, files, problems, adjacent);
}

/** One file's text as an inventory (`file` is used in messages and picks the format): tests, fuzzing, editors. */
export function loadInventoryText(text: string, file: string): Inventory {
  return loadInventoryTexts([{ text, file }]);
}

/** Several files' texts, merged in order as loadInventory merges files (no vars files). */
export function loadInventoryTexts(sources: readonly { readonly text: string; readonly file: string }[]): Inventory {
  const builder = new InventoryBuilder();
  const problems = sources.flatMap(({ text, file }) => readInventoryText(text, file, builder));
  return finish(
    builder,
    sources.map((s) => s.file),
    problems,
  );
}

function finish(builder: InventoryBuilder, files: readonly string[], problems: InputProblem[], adjacent?: AdjacentVars): Inventory {
  if (problems.length > 0) throw createInputError(problems);
  // build() reads the vars files of every group and host, so a broken one is reported even when no host uses it.
  const inventory = builder.build(files, adjacent);
  if (adjacent && adjacent.problems.length > 0) throw createInputError(adjacent.problems);
  return inventory;
}
