import { readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { InputError, type InputProblem } from '../errors/input-error.js';
import type { VaultSecret } from '../vault/vault-secrets.js';
import { listTree } from './list-tree.js';
import { readVarsFile } from './read-vars-file.js';
import { setOwn } from './set-own.js';
import { isDirectory } from '../files/path-kind.js';

type Vars = Readonly<Record<string, unknown>>;
export type VarsKind = 'group_vars' | 'host_vars';

/** Extensions of vars files, besides none at all (Ansible's `yaml_valid_extensions`). */
const VARS_EXTENSIONS = ['.yml', '.yaml', '.json'] as const;
const EMPTY: Vars = Object.freeze({});

/**
 * `group_vars/` and `host_vars/` beside the inventory and beside the playbook, read as
 * Ansible's `host_group_vars` plugin reads them: in a base dir, for group or host NAME, the
 * first of `NAME` (a file, or a directory of vars files read recursively in name order,
 * skipping hidden files, `~` backups and other extensions), `NAME.yml`, `NAME.yaml`,
 * `NAME.json`. Each file is a mapping of variables (YAML or JSON); an empty file adds none.
 *
 * Base dirs: one per inventory source (the source itself when it is a directory, else the
 * directory it is in), in the order given, then the playbook's directory. Every file is read
 * once; a later base dir's value replaces an earlier one's, whole (no deep merge). Files
 * encrypted with Ansible Vault and `!vault` values are decrypted with `vaultSecrets`.
 */
export class AdjacentVars {
  private readonly listings = new Map<string, ReadonlySet<string> | null>();
  private readonly files = new Map<string, Vars>();
  /** Merged vars by kind, side and name: group vars are asked for once per host of the group. */
  private readonly merged = new Map<string, Vars>();
  readonly problems: InputProblem[] = [];

  constructor(
    readonly inventoryDirs: readonly string[],
    readonly playDirs: readonly string[] = [],
    private readonly vaultSecrets?: readonly VaultSecret[],
  ) {}

  /** Every file found for NAME under `kind` in the given base dirs, merged in order. */
  vars(kind: VarsKind, name: string, side: 'inventory' | 'play'): Vars {
    const key = `${kind}\0${side}\0${name}`;
    let known = this.merged.get(key);
    if (!known) {
      known = this.merge(kind, name, side);
      this.merged.set(key, known);
    }
    return known;
  }

  private merge(kind: VarsKind, name: string, side: 'inventory' | 'play'): Vars {
    // Ansible skips names that are absolute paths (chroot-style hosts).
    if (name.startsWith('/')) return EMPTY;
    let merged: Record<string, unknown> | undefined;
    for (const dir of side === 'inventory' ? this.inventoryDirs : this.playDirs) {
      for (const file of this.find(join(dir, kind), name)) {
        const vars = this.load(file);
        if (Object.keys(vars).length === 0) continue;
        merged ??= {};
        for (const [k, v] of Object.entries(vars)) setOwn(merged, k, v);
      }
    }
    return merged ?? EMPTY;
  }

  /** The vars files for NAME in one `group_vars`/`host_vars` directory, in the order they apply. */
  private find(dir: string, name: string): string[] {
    const names = this.listing(dir);
    if (!names) return [];
    for (const ext of ['', ...VARS_EXTENSIONS]) {
      if (!names.has(name + ext)) continue;
      const path = join(dir, name + ext);
      return isDirectory(path) ? varsFilesIn(path) : [path];
    }
    return [];
  }

  /** The names in a directory, listed once (null when it is missing or not a directory). */
  private listing(dir: string): ReadonlySet<string> | null {
    let names = this.listings.get(dir);
    if (names === undefined) {
      try {
        names = new Set(readdirSync(dir));
      } catch {
        names = null;
      }
      this.listings.set(dir, names);
    }
    return names;
  }

  private load(file: string): Vars {
    const known = this.files.get(file);
    if (known) return known;
    let vars: Vars = EMPTY;
    try {
      vars = readVarsFile(file, this.vaultSecrets);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      this.problems.push(...error.problems);
    }
    this.files.set(file, vars);
    return vars;
  }
}

/** The vars files of a `group_vars/NAME/` directory: recursive, in name order, as Ansible lists them. */
function varsFilesIn(dir: string): string[] {
  return listTree(dir, (name, kind) => {
    if (name.startsWith('.') || name.endsWith('~')) return 'skip';
    const ext = extname(name);
    if (kind === 'dir') return ext ? 'skip' : 'descend';
    return !ext || (VARS_EXTENSIONS as readonly string[]).includes(ext) ? 'keep' : 'skip';
  });
}
