import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { InputError, type InputProblem } from '../errors/input-error.js';
import { loadYamlText, readInputText, type YamlSource } from '../schema/load-yaml.js';
import { validateWithSchema } from '../schema/validate.js';
import { isVaultText } from '../vault/vault-format.js';
import type { VaultSecret } from '../vault/vault-secrets.js';
import { expandHostKey } from './expand-host-key.js';
import type { InventoryBuilder } from './inventory-builder.js';
import { isIniSectionLine, readIniInventory } from './read-ini-inventory.js';
import { findPluginConfig, readInventoryDocument } from './read-inventory-document.js';
import { addStructureKeyHint } from './structure-key-hint.js';

const EXPECTED = 'an inventory: a mapping of groups (all: {hosts, children, vars})';
const YAML_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/**
 * Reads one inventory file into the builder and returns its problems. The format is chosen
 * as Ansible chooses it: a `.yaml`, `.yml` or `.json` file is YAML; a file without an
 * extension is YAML when it reads as a YAML mapping, INI otherwise; any other extension
 * (`.ini`, `hosts.prod`…) is INI. `.toml` files and executable inventory scripts are named
 * as unsupported. `!vault` values of a YAML inventory are decrypted with `vaultSecrets`.
 */
export function readInventoryFile(file: string, builder: InventoryBuilder, vaultSecrets?: readonly VaultSecret[]): InputProblem[] {
  const ext = extname(file);
  if (ext === '.toml') return [whole(file, 'TOML inventories are not supported; convert it to YAML or INI')];
  let text: string;
  try {
    text = readInputText(file);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return [...error.problems];
  }
  if (isVaultText(text)) {
    return [
      whole(
        file,
        'this inventory file is encrypted with Ansible Vault, which tpx does not read yet; keep the inventory plain and put its secrets in encrypted group_vars/host_vars files or !vault values',
      ),
    ];
  }
  if (!YAML_EXTENSIONS.has(ext) && text.startsWith('#!') && isExecutable(file)) {
    return [whole(file, 'this is an inventory script, which tpx does not run; save its output (`./script --list`) as a YAML inventory and give that')];
  }
  return readInventoryText(text, file, builder, vaultSecrets);
}

/** The same for text already read (`file` names it in messages and decides the format by its extension). */
export function readInventoryText(text: string, file: string, builder: InventoryBuilder, vaultSecrets?: readonly VaultSecret[]): InputProblem[] {
  const ext = extname(file);
  const options = { expected: EXPECTED, vaultSecrets };
  if (YAML_EXTENSIONS.has(ext)) return readYaml(() => loadYamlText(text, file, options), builder, text);
  if (ext !== '') return readIniInventory(file, text, builder);
  const first = firstSignificantLine(text);
  if (first === undefined || isIniSectionLine(first)) return readIniInventory(file, text, builder);
  let source: YamlSource | undefined;
  try {
    source = loadYamlText(text, file, options);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    // Written as YAML (a key, a document start): its YAML problems are the news, not INI's.
    if (/^\s*(?:---|[^\s#;][^=]*:(?:\s|$))/.test(first)) return [...error.problems];
  }
  const root = source?.value;
  if (source && root !== null && typeof root === 'object' && !Array.isArray(root)) return readYaml(() => source, builder, text);
  return readIniInventory(file, text, builder);
}

function readYaml(load: () => YamlSource, builder: InventoryBuilder, text: string): InputProblem[] {
  let source: YamlSource;
  try {
    source = load();
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const first = firstSignificantLine(text);
    if (first === undefined || !isIniSectionLine(first)) return [...error.problems];
    const [head, ...rest] = error.problems;
    return [{ ...head, message: `${head.message} (this looks like an INI inventory: give the file no extension or .ini)` }, ...rest];
  }
  const plugin = findPluginConfig(source);
  if (plugin) return [plugin];
  const found = [...validateWithSchema(source, 'inventory').map(addStructureKeyHint), ...readInventoryDocument(source, builder)];
  return found.sort((a, b) => a.line - b.line || a.col - b.col);
}

/**
 * A host list given to `-i` (`web1,web2:2222,`): each name, with an optional port, becomes a
 * host of `ungrouped`, as Ansible's `host_list` source does (no ranges).
 */
export function readHostList(list: string, builder: InventoryBuilder): void {
  for (const item of list.split(',')) {
    const name = item.trim();
    if (name === '') continue;
    let host = name;
    let port: number | undefined;
    if (!name.includes('[') || /^\[[0-9a-fA-F:.%]+\]:\d+$/.test(name)) {
      const parsed = expandHostKey(name);
      host = parsed.names[0];
      port = parsed.port;
    }
    builder.addHost(host, 'ungrouped', port);
  }
}

function firstSignificantLine(text: string): string | undefined {
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (t !== '' && t[0] !== '#' && t[0] !== ';') return line;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    return (statSync(file).mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

function whole(file: string, message: string): InputProblem {
  return { file, line: 1, col: 1, message };
}
