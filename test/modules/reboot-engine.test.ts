/**
 * reboot and wait_for_connection through the whole engine (runYaml, a local fleet): the
 * task's connection is closed and a new one opened through RunOptions.connect — the path
 * that takes the run lock on a real host — with connect_timeout among its variables, and the
 * tasks after it use the new one.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConnectionError } from '../../src/errors/connection-error.js';
import { createLocalFleet } from '../helpers/local-connection.js';
import { fleetInventory } from '../engine/run-harness.js';
import { trackRuns } from '../engine/track-runs.js';

const run = trackRuns();

describe('reboot and wait_for_connection in the engine', () => {
  it('reboot reconnects through the connector, with connect_timeout, and later tasks use the new connection', async () => {
    const fleet = createLocalFleet();
    writeFileSync(join(fleet.hostDir('h01'), 'boot_id'), 'first\n');
    const r = await run(
      `- hosts: all
  gather_facts: false
  tasks:
    - command: "true"
    - reboot:
        reboot_command: /bin/sh -c 'echo second > boot_id'
        boot_time_command: cat boot_id
        test_command: test -s boot_id
        connect_timeout: 4
      register: r
    - command: cat boot_id
      register: after
    - shell: printf '%s' {{ [r, after.stdout] | to_json | quote }} > registered.json
`,
      fleetInventory(1),
      { fleet },
    );
    expect(r.result('h01', 'reboot')?.status).toBe('changed');
    expect(JSON.parse(fleet.readHostFile('h01', 'registered.json') ?? '')).toEqual([{ changed: true, failed: false, rebooted: true, elapsed: 0 }, 'second']);
    const connections = fleet.connections.get('h01') ?? [];
    expect(connections).toHaveLength(2);
    expect(connections[0].closed).toBe(true);
    expect(fleet.connectVars.get('h01')).toMatchObject({ connect_timeout: 4 });
  });

  it('wait_for_connection tries new connections until one works; the host stays in the run', async () => {
    const fleet = createLocalFleet();
    let refusals = 2;
    const r = await run(
      `- hosts: all
  gather_facts: false
  tasks:
    - wait_for_connection:
        sleep: 0
        connect_timeout: 3
        timeout: 30
      register: w
    - shell: printf '%s' {{ w | to_json | quote }} > registered.json
`,
      fleetInventory(1),
      {
        fleet: {
          ...fleet,
          connect: async (host, vars) => {
            if (refusals-- > 0) throw new ConnectionError(host, 'refused', `${host}: connection refused`);
            return fleet.connect(host, vars);
          },
        },
      },
    );
    expect(r.result('h01', 'wait_for_connection')?.status).toBe('ok');
    expect(JSON.parse(fleet.readHostFile('h01', 'registered.json') ?? '')).toEqual({ changed: false, failed: false, elapsed: 0 });
    expect(fleet.connections.get('h01')).toHaveLength(1);
    expect(fleet.connectVars.get('h01')).toMatchObject({ connect_timeout: 3 });
  });
});
