import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLocalFleet } from '../helpers/local-connection.js';
import { fleetInventory } from './run-harness.js';
import { trackRuns } from './track-runs.js';

const run = trackRuns();

/** A local fleet whose root holds the given task files (the playbook is read from there). */
function fleetWith(files: Record<string, string>) {
  const fleet = createLocalFleet();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(fleet.root, name), text);
  return fleet;
}

describe('include_tasks', () => {
  it("checks its when once per host, not for each task inside (Ansible's dynamic include)", async () => {
    const fleet = fleetWith({
      'install.yml': '- set_fact: {installed: true}\n- name: after\n  shell: echo ran >> log\n',
    });
    const r = await run(
      `
- hosts: web
  tasks:
    - include_tasks: install.yml
      when: not (installed | default(false))
`,
      fleetInventory(1),
      { fleet },
    );
    // An import would have skipped "after": its condition turned false inside.
    expect(r.result('h01', 'after')?.status).toBe('changed');
    expect(r.outcome.stats.h01).toMatchObject({ ok: 3, changed: 1, skipped: 0 });
  });

  it('loops per host, items one after another, one ok per included item; a false when skips it', async () => {
    const fleet = fleetWith({ 'item.yml': '- name: write\n  shell: echo {{ n }} >> log\n' });
    const r = await run(
      `
- hosts: web
  tasks:
    - include_tasks: item.yml
      loop: "{{ [1, 2, 3] if inventory_hostname == 'h01' else [9] }}"
      loop_control: { loop_var: n }
    - include_tasks: item.yml
      when: false
`,
      fleetInventory(2),
      { fleet },
    );
    expect(r.fleet.readHostFile('h01', 'log')).toBe('1\n2\n3\n');
    expect(r.fleet.readHostFile('h02', 'log')).toBe('9\n');
    expect(r.outcome.stats.h01).toMatchObject({ ok: 6, changed: 3, skipped: 1 });
    expect(r.outcome.stats.h02).toMatchObject({ ok: 2, changed: 1, skipped: 1 });
  });

  it('its tags decide about the include, not about the tasks inside', async () => {
    const fleet = fleetWith({ 'tagged.yml': '- name: untagged inside\n  shell: echo a >> log\n- name: tagged inside\n  shell: echo b >> log\n  tags: [x]\n' });
    const r = await run(
      `
- hosts: web
  tasks:
    - include_tasks: tagged.yml
      tags: [x]
`,
      fleetInventory(1),
      { fleet, tags: ['x'] },
    );
    expect(r.fleet.readHostFile('h01', 'log')).toBe('b\n');
  });

  it('a failure inside is rescued by an enclosing block', async () => {
    const fleet = fleetWith({ 'fails.yml': '- name: boom\n  command: "false"\n' });
    const r = await run(
      `
- hosts: web
  tasks:
    - block:
        - include_tasks: fails.yml
      rescue:
        - name: rescued
          shell: echo rescued > log
`,
      fleetInventory(1),
      { fleet },
    );
    expect(r.fleet.readHostFile('h01', 'log')).toBe('rescued\n');
    expect(r.outcome.stats.h01.rescued).toBe(1);
  });
});
