/**
 * An unreachable host in the upgrade's rollout, on a small lab through the built `tpx`: by
 * default it halts the rollout after its batch, as a failed host does (the playbook sets
 * `tpx_unreachable_fails` from `halt_on_unreachable`); with `-e halt_on_unreachable=false` the
 * rollout goes on past it, as Ansible's does. Exit 3 both times. One scenario, its steps in order.
 */
import { describe, expect, it } from 'vitest';
import { setLabFault } from '../../src/lab/faults.js';
import { labSupported, useLab } from '../helpers/lab.js';
import { runUpgrade, TARGET } from './upgrade-helpers.js';

// -e serial=2 on 4 hosts: batches [mesh-01, mesh-02], [mesh-03, mesh-04]; mesh-02 refuses connections.
const lab = useLab({ hosts: 4, versions: ['2.8.3', 'none'], packages: [TARGET] });

describe.skipIf(!labSupported())('an unreachable host in the upgrade rollout', () => {
  it('halts after its batch by default; with halt_on_unreachable=false the rollout goes on', { timeout: 240_000 }, async () => {
    await setLabFault(lab.state.dir, 'mesh-02', { kind: 'refuse' });
    try {
      const halted = await runUpgrade(lab.state, ['-e', 'serial=2']);
      // Exit 3: what stopped it is a host that could not be reached.
      expect(halted.code, halted.stdout + halted.stderr).toBe(3);
      expect(halted.report.halted).toMatchObject({
        batch: 1,
        reason: expect.stringMatching(/^max_fail_percentage 0% exceeded: 1 of 2 hosts failed or were unreachable \(50%\)/),
      });
      // mesh-01 stops where the halt found it, between two steps (as Ansible stops a play).
      expect(halted.report.hosts['mesh-02'].status).toBe('unreachable');
      for (const host of ['mesh-03', 'mesh-04']) expect(halted.report.hosts[host].status, host).toBe('not-reached');

      const onward = await runUpgrade(lab.state, ['-e', 'serial=2', '-e', 'halt_on_unreachable=false']);
      expect(onward.code, onward.stdout + onward.stderr).toBe(3);
      expect(onward.report.halted).toBeNull();
      expect(onward.report.hosts['mesh-02'].status).toBe('unreachable');
      for (const host of ['mesh-01', 'mesh-03', 'mesh-04']) expect(onward.report.hosts[host].status, host).toBe('changed');
    } finally {
      await setLabFault(lab.state.dir, 'mesh-02', null);
    }
  });
});
