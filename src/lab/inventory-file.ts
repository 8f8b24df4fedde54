import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { seedGroup } from './seeds.js';
import type { LabState } from './types.js';

/**
 * Writes the lab's inventory (Ansible YAML structure): connection settings in `all.vars`,
 * every host under `all.hosts` with its port, and one group per seeded Kuma minor version
 * (`kuma_2_8`, `kuma_none`) plus `kuma_nocomments`.
 */
export async function writeLabInventory(state: LabState): Promise<void> {
  const hosts: Record<string, Record<string, unknown>> = {};
  const groups: Record<string, { hosts: Record<string, null> }> = {};
  const addTo = (group: string, host: string): void => {
    (groups[group] ??= { hosts: {} }).hosts[host] = null;
  };
  for (const h of state.hosts) {
    hosts[h.name] = { host: '127.0.0.1', port: h.port, lab_ipv4: h.ipv4, lab_ipv6: h.ipv6, lab_seed: h.seed };
    addTo(seedGroup({ spec: h.seed, version: h.kumaVersion, commentsDisabled: h.commentsDisabled }), h.name);
    if (h.commentsDisabled) addTo('kuma_nocomments', h.name);
  }
  const doc = {
    all: {
      vars: {
        user: state.user,
        identity_file: state.identityFile,
        known_hosts_file: state.knownHostsFile,
        become: true,
      },
      hosts,
      children: groups,
    },
  };
  const header = `# tpx lab ${state.labId}: written by \`tpx lab up\`; removed by \`tpx lab down --dir ${state.dir}\`\n`;
  await writeFile(state.inventoryFile, header + stringify(doc, { nullStr: '' }));
}
