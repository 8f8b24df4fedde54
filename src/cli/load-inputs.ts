import { UsageError } from '../errors/tpx-error.js';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError, type InputProblem } from '../errors/input-error.js';
import { loadInventory } from '../inventory/load-inventory.js';
import type { Inventory } from '../inventory/types.js';
import { loadPlaybook } from '../playbook/load-playbook.js';
import type { Playbook } from '../playbook/types.js';
import type { VaultSecret } from '../vault/vault-secrets.js';
import { DEFAULT_INVENTORY, resolveInventoryFiles } from './commands/inventory.js';

export interface LoadInputsOptions {
  /** The secrets that decrypt vault data in the inputs (vault-encrypted vars files, `!vault` values). */
  readonly vaultSecrets?: readonly VaultSecret[];
  /** ansible.cfg's `inventory`: read when no `-i` is given, before ./inventory.yaml. */
  readonly configInventory?: readonly string[];
  /** ansible.cfg's `roles_path` (with ANSIBLE_ROLES_PATH over it). */
  readonly rolesPath?: readonly string[];
}

export interface LoadedInputs {
  readonly playbook: Playbook;
  readonly inventory?: Inventory;
  readonly inventoryFiles: readonly string[];
}

/**
 * Loads a playbook and its inventories (`-i`, else ansible.cfg's `inventory`, else
 * ./inventory.yaml when present), checks the
 * playbook against the inventory, and throws one InputError with every problem of every file.
 * `requireInventory` makes a missing inventory a bad option (exit 5), as `tpx run` needs one.
 * A playbook path that names no file is a bad option too (exit 5), like an inventory's.
 */
export function loadInputs(
  playbookFile: string,
  inventoryOption: readonly string[] | undefined,
  requireInventory: boolean,
  options: LoadInputsOptions = {},
): LoadedInputs {
  if (!existsSync(playbookFile)) throw new UsageError(`playbook not found: ${playbookFile}`);
  const problems: InputProblem[] = [];
  const wantInventory = requireInventory || Boolean(inventoryOption?.length) || Boolean(options.configInventory?.length) || existsSync(DEFAULT_INVENTORY);
  const inventoryFiles = wantInventory ? resolveInventoryFiles(inventoryOption, existsSync, options.configInventory) : [];
  let inventory: Inventory | undefined;
  if (inventoryFiles.length > 0) {
    try {
      inventory = loadInventory(inventoryFiles, { playbookDir: dirname(playbookFile), vaultSecrets: options.vaultSecrets });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.problems);
    }
  }
  try {
    const playbook = loadPlaybook(playbookFile, { inventory, vaultSecrets: options.vaultSecrets, rolesPath: options.rolesPath });
    if (problems.length > 0) throw new InputError(problems);
    return { playbook, inventory, inventoryFiles };
  } catch (error) {
    if (!(error instanceof InputError) || problems.length === 0) throw error;
    throw new InputError([...problems, ...error.problems]);
  }
}
