import { countTasks } from '../../playbook/normalise-play.js';
import { loadCliConfig } from '../ansible-cfg.js';
import { loadInputs } from '../load-inputs.js';
import { loadCliVaultSecrets, type VaultCliOptions } from '../vault-options.js';
import { unknownFacts } from '../unknown-facts.js';

export interface ValidateCommandOptions extends VaultCliOptions {
  readonly inventory?: readonly string[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * `tpx validate PLAYBOOK [-i INVENTORY]...`: parses and checks the playbook (and the
 * inventory: `-i`, else ansible.cfg's `inventory`, else ./inventory.yaml when present) without
 * connecting anywhere; roles are looked for in ansible.cfg's `roles_path` too. Prints
 * `ok: PLAYBOOK (N plays, M tasks)` and returns 0, or throws one InputError with every
 * problem of every file (exit 4). Vault data is decrypted with the vault options' secrets.
 */
export async function validateCommand(
  playbookFile: string,
  options: ValidateCommandOptions,
  out: (s: string) => void = (s) => process.stdout.write(s),
): Promise<number> {
  const config = loadCliConfig();
  const vaultSecrets = await loadCliVaultSecrets(options);
  const { playbook, inventory, inventoryFiles } = loadInputs(playbookFile, options.inventory, false, {
    vaultSecrets,
    configInventory: config.settings.inventory,
    rolesPath: config.settings.rolesPath,
  });
  for (const warning of unknownFacts(playbook, inventory, {})) process.stderr.write(`tpx: warning: ${warning}\n`);
  out(`ok: ${playbookFile} (${plural(playbook.plays.length, 'play')}, ${plural(countTasks(playbook), 'task')})\n`);
  if (inventory) out(`ok: ${inventoryFiles.join(', ')} (${plural(inventory.hosts.size, 'host')})\n`);
  return 0;
}
