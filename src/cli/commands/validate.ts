import { existsSync } from 'node:fs';
import { InputError, type InputProblem } from '../../errors/input-error.js';
import { loadInventory } from '../../inventory/load-inventory.js';
import type { Inventory } from '../../inventory/types.js';
import { loadPlaybook } from '../../playbook/load-playbook.js';
import { countTasks } from '../../playbook/normalise-play.js';
import { DEFAULT_INVENTORY, resolveInventoryFiles } from './inventory.js';

export interface ValidateCommandOptions {
  readonly inventory?: readonly string[];
}

/**
 * `tpx validate PLAYBOOK [-i INVENTORY]...`: parses and checks the playbook (and the
 * inventory: `-i`, or ./inventory.yaml when present) without connecting anywhere. Prints
 * `ok: PLAYBOOK (N plays, M tasks)` and returns 0, or throws one InputError with every
 * problem of every file (exit 4).
 */
export async function validateCommand(
  playbookFile: string,
  options: ValidateCommandOptions,
  out: (s: string) => void = (s) => process.stdout.write(s),
): Promise<number> {
  const problems: InputProblem[] = [];
  const inventoryFiles = options.inventory?.length || existsSync(DEFAULT_INVENTORY) ? resolveInventoryFiles(options.inventory) : [];
  let inventory: Inventory | undefined;
  if (inventoryFiles.length > 0) {
    try {
      inventory = loadInventory(inventoryFiles);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.problems);
    }
  }
  try {
    const playbook = loadPlaybook(playbookFile, { inventory });
    if (problems.length > 0) throw new InputError(problems);
    const plays = playbook.plays.length;
    const tasks = countTasks(playbook);
    out(`ok: ${playbookFile} (${plays} play${plays === 1 ? '' : 's'}, ${tasks} task${tasks === 1 ? '' : 's'})\n`);
    if (inventory) out(`ok: ${inventoryFiles.join(', ')} (${inventory.hosts.size} host${inventory.hosts.size === 1 ? '' : 's'})\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof InputError) || problems.length === 0) throw error;
    throw new InputError([...problems, ...error.problems]);
  }
}
