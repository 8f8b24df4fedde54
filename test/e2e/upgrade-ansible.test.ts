/**
 * The flagship playbook is an Ansible playbook too: `playbooks/upgrade.yaml` run through
 * `ansible-playbook` (with `-e tpx_run_id=…`, the one variable tpx itself provides) and through
 * `tpx run` on twin lab fleets seeded alike. Compared: the `--check` recaps, the real run's
 * recaps, and every host's rules afterwards (both families, counters masked), byte for byte.
 * Then each tool, run again on the fleet the other upgraded, finds nothing to do.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LabState } from '../../src/lab/types.js';
import { useLab } from '../helpers/lab.js';
import { ansibleHome, enabled, hasAnsible, runWithAnsible, runWithTpx, stopControlMasters, writeAnsibleInventory } from './compat-helpers.js';
import { PLAYBOOK, snapshotRules, TARGET } from './upgrade-helpers.js';

const SEEDS = ['2.8.3', 'none', TARGET, '2.9.2'];
const tpxLab = useLab({ hosts: SEEDS.length, versions: SEEDS, packages: [TARGET] });
const ansibleLab = useLab({ hosts: SEEDS.length, versions: SEEDS, packages: [TARGET] });
const inputs = (lab: LabState): string[] => ['-e', `kuma_version=${TARGET}`, '-e', `kuma_package=${join(lab.dir, 'packages', `kuma-${TARGET}.tar.gz`)}`];
const names = (lab: LabState): string[] => lab.hosts.map((h) => h.name);

describe.skipIf(!enabled)('playbooks/upgrade.yaml through ansible-playbook and tpx', () => {
  it("same check and run recaps, the same rules on every host; each tool then finds nothing to do on the other's fleet", { timeout: 480_000 }, async () => {
    expect(hasAnsible, 'ansible-playbook is missing (apt-get install ansible-core)').toBe(true);
    const home = ansibleHome(ansibleLab.dir);
    const inventory = join(ansibleLab.dir, 'ansible-inventory.json');
    writeAnsibleInventory(ansibleLab.state, inventory);
    const ansible = (more: string[]) => runWithAnsible(home, PLAYBOOK, [inventory], [...inputs(ansibleLab.state), '-e', 'tpx_run_id=ansible-1', ...more]);
    const tpx = (more: string[]) =>
      runWithTpx(tpxLab.state, tpxLab.dir, PLAYBOOK, [], [...inputs(tpxLab.state), ...more], { XDG_STATE_HOME: join(tpxLab.dir, 'xdg') });
    try {
      expect(tpx(['--check'])).toEqual(ansible(['--check']));
      const before = await snapshotRules(tpxLab.state, names(tpxLab.state));
      expect(await snapshotRules(ansibleLab.state, names(ansibleLab.state))).toEqual(before);

      const tpxRecap = tpx([]);
      expect(tpxRecap).toEqual(ansible([]));
      for (const host of names(tpxLab.state)) expect(tpxRecap[host].changed, host).toBeGreaterThan(0);
      const rules = await snapshotRules(tpxLab.state, names(tpxLab.state));
      expect(rules).not.toEqual(before);
      expect(await snapshotRules(ansibleLab.state, names(ansibleLab.state))).toEqual(rules);

      // Each fleet as the other tool left it: nothing to do, nothing changed.
      const again = runWithTpx(ansibleLab.state, ansibleLab.dir, PLAYBOOK, [], inputs(ansibleLab.state), { XDG_STATE_HOME: join(ansibleLab.dir, 'xdg') });
      for (const host of names(ansibleLab.state)) expect(again[host].changed, host).toBe(0);
      const tpxInventory = join(tpxLab.dir, 'ansible-inventory.json');
      writeAnsibleInventory(tpxLab.state, tpxInventory);
      const ansibleAgain = runWithAnsible(home, PLAYBOOK, [tpxInventory], [...inputs(tpxLab.state), '-e', 'tpx_run_id=ansible-2']);
      for (const host of names(tpxLab.state)) expect(ansibleAgain[host].changed, host).toBe(0);
      expect(await snapshotRules(tpxLab.state, names(tpxLab.state))).toEqual(rules);
    } finally {
      stopControlMasters(home);
    }
  });
});
