/** `-e NAME` that nothing reads: a warning with the name it was probably meant to be. */
import { describe, expect, it } from 'vitest';
import { unusedExtraVars } from '../../src/cli/unused-extra-vars.js';
import { loadPlaybookText } from '../../src/playbook/load-playbook.js';
import { referencedNames } from '../../src/template/referenced-names.js';
import { parseInventory } from '../engine/run-harness.js';

const inventory = parseInventory('all:\n  vars: { site_name: "{{ region }}-edge" }\n  hosts:\n    h1: {}\n');
const playbook = loadPlaybookText(
  `- hosts: all
  vars:
    target_dir: "/opt/kuma/{{ kuma_version }}"
  tasks:
    - name: check
      assert: { that: [ "flush_mode in ['kuma', 'all']" ] }
    - command: "echo {{ target_dir }} {{ site_name }}"
      when: plan.flush and not (skip_it | default(false))
`,
  '/x/playbook.yaml',
  { inventory },
);

describe('-e names nothing reads', () => {
  it('collects the names templates and conditions read (a superset)', () => {
    const names = referencedNames(playbook.plays);
    for (const n of ['kuma_version', 'flush_mode', 'target_dir', 'site_name', 'plan', 'skip_it']) expect(names).toContain(n);
  });

  it.each([
    [{ kuma_verison: '2.10.1' }, ['-e kuma_verison: the playbook and inventory use no variable of that name; did you mean "kuma_version"?']],
    [{ flush_mod: 'all' }, ['-e flush_mod: the playbook and inventory use no variable of that name; did you mean "flush_mode"?']],
    [{ zzz: 1 }, ['-e zzz: the playbook and inventory use no variable of that name']],
    [
      {
        kuma_version: '2.10.1',
        region: 'eu',
        skip_it: true,
        tpx_run_id: 'r',
        tpx_output_limit: '2M',
        ansible_user: 'ops',
        become: true,
        host_key_checking: 'off',
      },
      [],
    ],
  ])('%j', (vars, expected) => {
    expect(unusedExtraVars(vars, playbook, inventory)).toEqual(expected);
  });
});
