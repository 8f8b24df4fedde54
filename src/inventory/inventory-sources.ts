import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../errors/tpx-error.js';
import { listTree } from './list-tree.js';

/** One thing to read an inventory from, in the order Ansible reads them. */
export type InventoryEntry = { readonly file: string } | { readonly hostList: string };

export interface InventorySources {
  readonly entries: readonly InventoryEntry[];
  /** Where `group_vars/` and `host_vars/` are looked for: one per `-i` that is a path, in order. */
  readonly varsDirs: readonly string[];
}

/** Names skipped in an inventory directory, as Ansible skips them (hidden, vars dirs, and these endings). */
const IGNORED_NAMES = /^\.|^host_vars$|^group_vars$|^vars_plugins$/;
const IGNORED_ENDINGS = ['.pyc', '.pyo', '.swp', '.bak', '~', '.rpm', '.md', '.txt', '.rst', '.orig', '.ini', '.cfg', '.retry'];

/**
 * What `-i` names, as Ansible reads it: a file; a directory, whose files are read in name
 * order, recursing into subdirectories, skipping hidden files, `group_vars`, `host_vars`
 * and files ending in `.ini`, `.cfg`, `.retry`, `.orig`, `.md`, `.txt`, `.rst`, `.bak`,
 * `.swp`, `.rpm`, `.pyc`, `.pyo` or `~` (Ansible's defaults; yes, `.ini` files in an
 * inventory directory are skipped); or a host list such as `web1,web2:2222,` (a value with a
 * comma that is not an existing path). A path that does not exist is a bad option (exit 5).
 */
export function resolveInventorySources(given: readonly string[]): InventorySources {
  const entries: InventoryEntry[] = [];
  const varsDirs: string[] = [];
  for (const source of given) {
    if (source.includes(',') && !existsSync(source)) {
      entries.push({ hostList: source });
      continue;
    }
    let stats: ReturnType<typeof statSync>;
    try {
      stats = statSync(source);
    } catch {
      throw new UsageError(`inventory not found: ${source}`);
    }
    if (stats.isDirectory()) {
      varsDirs.push(source);
      entries.push(...filesIn(source).map((file) => ({ file })));
    } else {
      varsDirs.push(dirname(source));
      entries.push({ file: source });
    }
  }
  return { entries, varsDirs };
}

function filesIn(dir: string): string[] {
  return listTree(dir, (name, kind) => {
    if (IGNORED_NAMES.test(name) || IGNORED_ENDINGS.some((e) => name.endsWith(e))) return 'skip';
    // A dangling link: Ansible finds no plugin for it and goes on.
    return kind === 'dir' ? 'descend' : kind === 'file' ? 'keep' : 'skip';
  });
}
