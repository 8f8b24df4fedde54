import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fleetInventory } from './run-harness.js';
import { trackRuns } from './track-runs.js';

const run = trackRuns();
/** A directory on the controller: local tasks really run here (the real local connection, no stand-in). */
let out = '';
beforeEach(() => {
  out = mkdtempSync(join(tmpdir(), 'tpx-delegation-'));
});
afterEach(() => rmSync(out, { recursive: true, force: true }));

describe('delegate_to, local_action, connection: local, implicit localhost', () => {
  it("delegate_to: localhost runs on the controller with the host's variables; the result is the host's", async () => {
    const r = await run(
      `
- hosts: web
  vars: { out: "${out}" }
  tasks:
    - name: on the controller
      shell: echo "{{ inventory_hostname }}" > {{ out }}/{{ inventory_hostname }}
      delegate_to: localhost
    - name: local action
      local_action: shell echo local > {{ out }}/la-{{ inventory_hostname }}
`,
      fleetInventory(2),
    );
    expect(readFileSync(join(out, 'h01'), 'utf8')).toBe('h01\n');
    expect(readFileSync(join(out, 'h02'), 'utf8')).toBe('h02\n');
    expect(readFileSync(join(out, 'la-h02'), 'utf8')).toBe('local\n');
    expect(r.result('h01', 'on the controller')?.status).toBe('changed');
    // Nothing ran over the hosts' own connections.
    expect(r.fleet.connections.size).toBe(0);
  });

  it('connection: local and a play on the implicit localhost (not in the inventory, not in all)', async () => {
    const r = await run(
      `
- hosts: localhost
  tasks:
    - shell: echo "{{ inventory_hostname }} {{ group_names | length }}" > ${out}/implicit
- hosts: web
  connection: local
  tasks:
    - shell: echo local > ${out}/conn-{{ inventory_hostname }}
- hosts: all
  tasks:
    - debug: { msg: "{{ inventory_hostname }}" }
`,
      fleetInventory(1),
    );
    expect(readFileSync(join(out, 'implicit'), 'utf8')).toBe('localhost 0\n');
    expect(existsSync(join(out, 'conn-h01'))).toBe(true);
    expect(Object.keys(r.outcome.stats).sort()).toEqual(['h01', 'localhost']);
    expect(r.outcome.stats.localhost.changed).toBe(1);
  });

  it('delegates to another inventory host over its own connection; delegate_facts puts facts there', async () => {
    const r = await run(
      `
- hosts: h01
  tasks:
    - shell: echo "from {{ inventory_hostname }}" > delegated
      delegate_to: h02
    - set_fact: { seen: yes }
      delegate_to: h02
      delegate_facts: true
- hosts: h02
  tasks:
    - debug: { msg: "{{ seen | default('no') }}" }
      register: seen_on_h02
`,
      fleetInventory(2),
    );
    expect(r.fleet.readHostFile('h02', 'delegated')).toBe('from h01\n');
    expect(r.fleet.readHostFile('h01', 'delegated')).toBeUndefined();
    expect(r.result('h02', 'debug')?.msg).toMatch(/^true$/i);
  });

  it('a delegate that is not in the inventory fails the task and says so', async () => {
    const r = await run('- hosts: h01\n  tasks:\n    - name: nowhere\n      command: "true"\n      delegate_to: db-99\n', fleetInventory(1));
    expect(r.result('h01', 'nowhere')?.status).toBe('failed');
    expect(r.result('h01', 'nowhere')?.msg).toContain('"db-99" is not a host of the inventory');
  });
});
