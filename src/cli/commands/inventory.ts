import { existsSync } from 'node:fs';
import { UsageError } from '../../errors/tpx-error.js';
import { loadInventory } from '../../inventory/load-inventory.js';
import { selectHosts } from '../../inventory/patterns.js';
import { renderInventoryGraph } from '../../inventory/render-inventory-graph.js';
import { formatSortedJson, renderInventoryList } from '../../inventory/render-inventory-list.js';
import { loadCliConfig } from '../ansible-cfg.js';
import { loadCliVaultSecrets, type VaultCliOptions } from '../vault-options.js';

/** The inventory file used when no `-i` is given. */
export const DEFAULT_INVENTORY = 'inventory.yaml';

export interface InventoryCommandOptions extends VaultCliOptions {
  readonly inventory?: readonly string[];
  readonly limit?: string;
  readonly list?: boolean;
  readonly graph?: boolean;
  readonly vars?: boolean;
  readonly playbookDir?: string;
}

/**
 * `tpx inventory [-i FILE]... [-l PATTERN] [--list | --graph [--vars]]`: prints the
 * inventory as `ansible-inventory` does (JSON for --list, the default; a tree for --graph).
 * With -l, only the matching hosts; for --graph, a pattern that names a group draws the
 * tree from that group, as `ansible-inventory --graph GROUP` does. Vault data is decrypted
 * with the vault options' secrets; `--list` shows a `!vault` value as Ansible does (its vault
 * text), `--graph --vars` masks it.
 */
export async function inventoryCommand(
  rawOptions: Readonly<Record<string, unknown>> | InventoryCommandOptions,
  out: (s: string) => void = (s) => process.stdout.write(s),
  warn: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  const options = rawOptions as InventoryCommandOptions;
  if (options.list && options.graph) throw new UsageError('--list and --graph cannot be used together; choose one');
  if (options.vars && !options.graph) throw new UsageError('--vars goes with --graph');
  const config = loadCliConfig({ write: warn });
  const files = resolveInventoryFiles(options.inventory, existsSync, config.settings.inventory);
  const vaultSecrets = await loadCliVaultSecrets(options);
  const inventory = loadInventory(files, { playbookDir: options.playbookDir, vaultSecrets });

  let only: Set<string> | undefined;
  let start: string | undefined;
  if (options.limit !== undefined) {
    const selected = selectHosts(inventory, options.limit);
    if (selected.length === 0) warn(`tpx: warning: the pattern "${options.limit}" matches no host\n`);
    only = new Set(selected);
    if (options.graph && inventory.groups.has(options.limit)) {
      start = options.limit;
      only = undefined;
    }
  }

  if (options.graph) out(renderInventoryGraph(inventory, { start, vars: options.vars, only }) + '\n');
  else out(formatSortedJson(renderInventoryList(inventory, only)) + '\n');
  return 0;
}

/**
 * The inventory sources to read: the `-i` values, else `configured` (ansible.cfg's
 * `inventory`), else ./inventory.yaml when there is one. Having no inventory at all is a bad
 * option (exit 5); loadInventory checks each source.
 */
export function resolveInventoryFiles(
  given: readonly string[] | undefined,
  cwdHas: (f: string) => boolean = existsSync,
  configured?: readonly string[],
): string[] {
  if (given && given.length > 0) return [...given];
  if (configured && configured.length > 0) return [...configured];
  if (cwdHas(DEFAULT_INVENTORY)) return [DEFAULT_INVENTORY];
  throw new UsageError(`no inventory: give one with -i FILE, set inventory in ansible.cfg, or create ./${DEFAULT_INVENTORY}`);
}
