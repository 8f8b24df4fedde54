/**
 * The engine end to end on the lab fleet: real sshd, real sudo, each host its own network
 * and mount namespace. Asserts on the hosts' real state (read as root inside each host),
 * not only on the engine's results.
 */
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/engine/events.js';
import type { RunOutcome } from '../../src/engine/run-options.js';
import { runPlaybook } from '../../src/engine/run-playbook.js';
import { readConnectionVars } from '../../src/inventory/connection-vars.js';
import { loadInventory } from '../../src/inventory/load-inventory.js';
import { setLabFault } from '../../src/lab/faults.js';
import { hostExec } from '../../src/lab/host-namespace.js';
import { loadPlaybookText } from '../../src/playbook/load-playbook.js';
import { HostSession, resolveConnectionSpec } from '../../src/transport/ssh/index.js';
import { labSupported, useLab } from '../helpers/lab.js';

const lab = useLab({ hosts: 6, versions: ['none'] });
const STATE = '/var/lib/tpx-e2e';

async function runOnLab(playbookYaml: string, options: { check?: boolean; extraVars?: Record<string, unknown>; limit?: string } = {}): Promise<RunOutcome> {
  const inventory = loadInventory([lab.state.inventoryFile]);
  const playbook = loadPlaybookText(playbookYaml, `${lab.dir}/playbook.yaml`, { inventory });
  return runPlaybook({
    playbook,
    inventory,
    limit: options.limit,
    extraVars: options.extraVars ?? {},
    forks: 50,
    check: options.check ?? false,
    diff: false,
    tags: [],
    skipTags: [],
    verbosity: 0,
    bus: new EventBus(),
    sleep: async () => undefined,
    connect: async (host, vars) => {
      const session = new HostSession(resolveConnectionSpec(host, readConnectionVars(vars)));
      await session.connection();
      return session;
    },
  });
}

/** A file of a lab host as root reads it, or null. */
async function readOnHost(host: string, path: string): Promise<string | null> {
  const r = await hostExec(lab.state, host, `cat ${path} 2>/dev/null || echo __absent__`);
  return r.stdout === '__absent__\n' ? null : r.stdout;
}

const names = (): string[] => lab.state.hosts.map((h) => h.name);

describe.skipIf(!labSupported())('engine on the lab fleet', () => {
  it('block/rescue inside a serial rollout with max_fail_percentage: restores the failed host and halts; later batches untouched', async () => {
    // 6 hosts, serial [1, "25%", "100%"]: batches of 1, 1 and 4 hosts; the second host breaks.
    const [, second] = names();
    const outcome = await runOnLab(
      `
- name: rollout
  hosts: all
  become: true
  serial: [1, "25%", "100%"]
  max_fail_percentage: 0
  tasks:
    - name: reset
      file: { path: ${STATE}, state: absent }
    - name: backup
      shell: mkdir -p ${STATE} && echo v1 > ${STATE}/version && chmod 600 ${STATE}/version
    - block:
        - name: install
          shell: "echo v2 > ${STATE}/version && test {{ inventory_hostname }} != ${second}"
        - name: verify
          command: grep -q v2 ${STATE}/version
      rescue:
        - name: restore
          shell: echo v1 > ${STATE}/version
        - name: report
          fail: { msg: "install failed on {{ inventory_hostname }}; restored v1" }
`,
    );
    const [h1, h2, ...rest] = names();
    expect(await readOnHost(h1, `${STATE}/version`)).toBe('v2\n');
    expect(await readOnHost(h2, `${STATE}/version`)).toBe('v1\n');
    for (const h of rest) expect(await readOnHost(h, `${STATE}/version`)).toBeNull();
    expect(outcome.halted).toMatchObject({ play: 'rollout', batch: 2 });
    expect(outcome.notReached).toEqual(rest);
    expect(outcome.stats[h2]).toMatchObject({ rescued: 1, failed: 1 });
    expect(outcome.exitCode).toBe(2);
    // root-owned: the unprivileged login user cannot read what become wrote
    const mode = await hostExec(lab.state, h1, `stat -c '%U %a' ${STATE}/version`);
    expect(mode.stdout).toBe('root 600\n');
  });

  it('loop, register, until with a counter file, when, changed_when, handlers and run_once on real hosts', async () => {
    const outcome = await runOnLab(
      `
- hosts: all
  become: true
  tasks:
    - name: dirs
      file: { path: "${STATE}/{{ item }}", state: directory }
      loop: [a, b]
      register: made
    - name: count attempts
      shell: n=$(cat ${STATE}/count 2>/dev/null || echo 0); echo $((n+1)) > ${STATE}/count; cat ${STATE}/count
      register: c
      until: c.stdout | int >= 2
      retries: 3
    - name: only first two
      shell: echo yes > ${STATE}/picked
      when: inventory_hostname in [ansible_play_hosts[0], ansible_play_hosts[1]]
      notify: picked
    - name: probe
      command: cat ${STATE}/count
      register: probe
      changed_when: false
    - name: leader
      shell: hostname > ${STATE}/leader
      run_once: true
    - name: summary
      copy:
        content: "{{ made.results | length }} {{ c.attempts }} {{ probe.stdout }}\\n"
        dest: ${STATE}/summary
  handlers:
    - name: picked
      shell: echo handled > ${STATE}/handler
`,
    );
    expect(outcome.exitCode).toBe(0);
    const [h1, h2, h3] = names();
    expect(await readOnHost(h3, `${STATE}/summary`)).toBe('2 2 2\n');
    expect(await readOnHost(h1, `${STATE}/handler`)).toBe('handled\n');
    expect(await readOnHost(h2, `${STATE}/handler`)).toBe('handled\n');
    expect(await readOnHost(h3, `${STATE}/handler`)).toBeNull();
    expect(await readOnHost(h1, `${STATE}/leader`)).toBe(`${h1}\n`);
    expect(await readOnHost(h2, `${STATE}/leader`)).toBeNull();
    expect(outcome.stats[h1].changed).toBeGreaterThan(0);
  });

  it('check mode changes nothing on any host; a re-run of an idempotent play changes nothing', async () => {
    const play = `
- hosts: all
  become: true
  tasks:
    - file: { path: ${STATE}/conf, state: directory, mode: "0755" }
    - copy: { content: "setting=1\\n", dest: ${STATE}/app.conf, mode: "0644" }
`;
    await runOnLab(`
- hosts: all
  become: true
  tasks:
    - file: { path: ${STATE}/conf, state: absent }
    - file: { path: ${STATE}/app.conf, state: absent }
    - file: { path: ${STATE}, state: directory }
`);
    const checked = await runOnLab(play, { check: true });
    expect(Object.values(checked.results).flat().filter((r) => r.failed).map((r) => `${r.host} ${r.task}: ${r.msg}`).slice(0, 2)).toEqual([]);
    expect(checked.exitCode).toBe(0);
    for (const h of names()) {
      expect(await readOnHost(h, `${STATE}/app.conf`)).toBeNull();
      expect((await hostExec(lab.state, h, `test -d ${STATE}/conf && echo dir`)).stdout).toBe('');
    }
    expect(Object.values(checked.stats).every((s) => s.changed === 2)).toBe(true);

    const first = await runOnLab(play);
    expect(Object.values(first.stats).every((s) => s.changed === 2)).toBe(true);
    for (const h of names()) expect(await readOnHost(h, `${STATE}/app.conf`)).toBe('setting=1\n');
    const second = await runOnLab(play);
    expect(Object.values(second.results).flat().filter((r) => r.changed).map((r) => `${r.host} ${r.task}: ${r.msg ?? ''} ${r.diff ?? ''}`).slice(0, 4)).toEqual([]);
    expect(Object.values(second.stats).every((s) => s.changed === 0 && s.ok === 2)).toBe(true);
  });

  it('a host whose port refuses is unreachable; the others finish; exit 3', async () => {
    const [h1, h2] = names();
    await setLabFault(lab.dir, h2, { kind: 'refuse' });
    try {
      const outcome = await runOnLab(
        `
- hosts: all
  become: true
  tasks:
    - shell: echo reached > ${STATE}/reached
`,
        { limit: `${h1}:${h2}` },
      );
      expect(outcome.hostStatus[h2]).toBe('unreachable');
      expect(outcome.stats[h2].unreachable).toBe(1);
      expect(await readOnHost(h1, `${STATE}/reached`)).toBe('reached\n');
      expect(outcome.exitCode).toBe(3);
    } finally {
      await setLabFault(lab.dir, h2, null);
    }
  });
});
