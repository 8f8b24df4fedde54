import { homedir } from 'node:os';
import { type AnsibleConfig, loadAnsibleConfig } from '../config/load-ansible-config.js';
import type { HostConnectionVars } from '../transport/connection.js';

export interface CliConfigOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  /** `-v` count: 1 or more names the file used and the keys ignored. */
  readonly verbose?: number;
  /** Where warnings and `-v` lines go (stderr: stdout may be JSON). */
  readonly write?: (line: string) => void;
}

/**
 * Reads `ansible.cfg` (and the `ANSIBLE_*` variables over it) for a command: prints its
 * warnings, and with `-v` which file was used and which of its keys tpx ignores, one line
 * each. The command applies the settings, its own options winning.
 */
export function loadCliConfig(options: CliConfigOptions = {}): AnsibleConfig {
  const env = options.env ?? process.env;
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const config = loadAnsibleConfig({ env, cwd: options.cwd ?? process.cwd(), home: env.HOME || homedir() });
  for (const warning of config.warnings) write(`tpx: warning: ansible.cfg: ${warning}\n`);
  if ((options.verbose ?? 0) >= 1) {
    write(config.file ? `ansible.cfg: using ${config.file}\n` : `ansible.cfg: none found (looked for ${config.looked.join(', ')})\n`);
    if (config.ignored.length > 0) write(`ansible.cfg: ignored keys: ${config.ignored.join(', ')}\n`);
  }
  return config;
}

/** The connection settings of the config, for the connector: below every variable and keyword. */
export function configConnectionDefaults(config: AnsibleConfig): Pick<HostConnectionVars, 'user' | 'identityFile' | 'hostKeyChecking' | 'connectTimeout'> {
  const s = config.settings;
  return {
    ...(s.remoteUser === undefined ? {} : { user: s.remoteUser }),
    ...(s.privateKeyFile === undefined ? {} : { identityFile: s.privateKeyFile }),
    ...(s.hostKeyChecking === undefined ? {} : { hostKeyChecking: s.hostKeyChecking ? 'strict' : 'off' }),
    ...(s.timeout === undefined ? {} : { connectTimeout: s.timeout }),
  };
}
