import { accessSync, constants, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { ConfigError } from './config-error.js';
import { resolveConfigPath } from './config-values.js';
import { isDirectory } from '../files/path-kind.js';

/** Where to look; the CLI passes the process's, tests their own. */
export interface ConfigSearch {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly home: string;
}

export interface FoundConfig {
  /** The absolute path of the config file to read; undefined when there is none. */
  readonly file?: string;
  /** The places looked at, in order. */
  readonly looked: readonly string[];
  /** What the search refused or could not use, one sentence each. */
  readonly warnings: readonly string[];
}

/**
 * Finds the one config file Ansible reads (config/manager.py, `find_ini_config_file`): the
 * first that exists and is readable of `$ANSIBLE_CONFIG` (a file, or a directory holding
 * `ansible.cfg`; relative to the current directory, `~` and `$VAR` expanded), `./ansible.cfg`
 * — skipped, with a warning, when the current directory is world-writable (anyone could plant
 * one) —, `~/.ansible.cfg`, `/etc/ansible/ansible.cfg`. Files are not merged. Beyond Ansible,
 * an `$ANSIBLE_CONFIG` that names nothing readable is a warning. A file whose name does not
 * end in `.cfg` or `.ini` is refused, as Ansible refuses it (ConfigError).
 */
export function findAnsibleCfg(search: ConfigSearch): FoundConfig {
  const warnings: string[] = [];
  const candidates: string[] = [];
  const fromEnv = search.env.ANSIBLE_CONFIG;
  let envPath: string | undefined;
  if (fromEnv !== undefined) {
    envPath = resolveConfigPath(fromEnv, { base: search.cwd, home: search.home, env: search.env });
    if (isDirectory(envPath)) envPath = join(envPath, 'ansible.cfg');
    candidates.push(envPath);
  }
  const inCwd = join(search.cwd, 'ansible.cfg');
  const cwdWorldWritable = isWorldWritable(search.cwd);
  if (!cwdWorldWritable) candidates.push(inCwd);
  candidates.push(join(search.home, '.ansible.cfg'), '/etc/ansible/ansible.cfg');

  const file = candidates.find(isReadableFile);
  if (envPath !== undefined && file !== envPath) warnings.push(`ANSIBLE_CONFIG=${fromEnv}: no readable file at ${envPath}; ignored`);
  if (cwdWorldWritable && (envPath === undefined || file !== envPath) && isReadableFile(inCwd)) {
    warnings.push(`the current directory ${search.cwd} is world-writable: its ansible.cfg is not read (as Ansible refuses it)`);
  }
  if (file !== undefined && !['.cfg', '.ini'].includes(extname(file))) {
    throw new ConfigError(file, 'a config file must end in .cfg or .ini (as Ansible requires)');
  }
  return { file, looked: candidates, warnings };
}

function isWorldWritable(dir: string): boolean {
  try {
    return (statSync(dir).mode & 0o002) !== 0;
  } catch {
    return false;
  }
}

/** Ansible's test: it exists and can be read (a directory passes it too, and then fails to read). */
function isReadableFile(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
