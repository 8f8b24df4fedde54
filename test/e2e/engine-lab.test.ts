/**
 * The engine end to end on the lab fleet: real sshd, real sudo, each host its own network
 * and mount namespace. Asserts on the hosts' real state (read as root inside each host),
 * not only on the engine's results.
 */
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EventBus, type EngineEvent } from '../../src/engine/events.js';
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

interface LabRunOptions {
  check?: boolean;
  extraVars?: Record<string, unknown>;
  limit?: string;
  skipTags?: string[];
  /** Receives every engine event. */
  events?: EngineEvent[];
  /** Replaces the wait between `until` attempts (default: none). */
  sleep?: () => Promise<void>;
}

async function runOnLab(playbookYaml: string, options: LabRunOptions = {}): Promise<RunOutcome> {
  const inventory = loadInventory([lab.state.inventoryFile]);
  const playbook = loadPlaybookText(playbookYaml, `${lab.dir}/playbook.yaml`, { inventory });
  const bus = new EventBus();
  if (options.events) bus.subscribe((e) => options.events!.push(e));
  return runPlaybook({
    playbook,
    inventory,
    limit: options.limit,
    extraVars: options.extraVars ?? {},
    forks: 50,
    check: options.check ?? false,
    diff: false,
    tags: [],
    skipTags: options.skipTags ?? [],
    verbosity: 0,
    bus,
    sleep: options.sleep ?? (async () => undefined),
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

/** The last result of a task on a host. */
const resultOf = (outcome: RunOutcome, host: string, task: string) => outcome.results[host]?.filter((r) => r.task === task).pop();

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
    expect(
      Object.values(checked.results)
        .flat()
        .filter((r) => r.failed)
        .map((r) => `${r.host} ${r.task}: ${r.msg}`)
        .slice(0, 2),
    ).toEqual([]);
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
    expect(
      Object.values(second.results)
        .flat()
        .filter((r) => r.changed)
        .map((r) => `${r.host} ${r.task}: ${r.msg ?? ''} ${r.diff ?? ''}`)
        .slice(0, 4),
    ).toEqual([]);
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

  it('become (task over play over inventory), script, failed_when, ignore_errors, timeout, no_log, tags, check_mode, always', async () => {
    const [h1, h2] = names();
    writeFileSync(`${lab.dir}/e2e-script.sh`, '#!/bin/sh\necho "$1 $(id -un)" > /var/lib/tpx-e2e/script\n');
    const outcome = await runOnLab(
      `
- name: inventory become
  hosts: all
  tasks:
    - name: reset
      shell: rm -rf ${STATE} /home/${lab.state.user}/e2e-who && mkdir -p ${STATE} && chmod 1777 ${STATE}
    - name: as the inventory says
      shell: id -un > ${STATE}/who-inventory
    - name: as the login user
      become: false
      shell: id -un > ~/e2e-who
    - name: as kuma-dp
      become_user: kuma-dp
      shell: id -un > ${STATE}/who-kuma-dp
    - name: a local script, uploaded
      script: e2e-script.sh "two words"
    - name: ignored failure
      command: "false"
      ignore_errors: true
    - name: failed_when decides
      shell: echo OOPS
      register: fw
      failed_when: "'OOPS' in fw.stdout"
      ignore_errors: true
    - name: secret
      shell: echo s3cr3t-$(hostname)
      no_log: true
    - name: too slow
      command: sleep 20
      timeout: 1
      ignore_errors: true
    - name: tagged out
      shell: touch ${STATE}/tagged
      tags: [skip-me]
    - name: never for real
      copy: { content: "x\\n", dest: "${STATE}/check-mode" }
      check_mode: true
    - name: commands skip in check mode
      shell: touch ${STATE}/check-mode-shell
      check_mode: true
    - block:
        - name: breaks on the second host
          shell: test {{ inventory_hostname }} != ${h2}
      always:
        - name: always
          shell: echo always > ${STATE}/always
- name: play without become
  hosts: all
  become: false
  tasks:
    - name: play says no
      shell: id -un > ${STATE}/who-play
    - name: task says yes
      become: true
      shell: id -un > ${STATE}/who-task
`,
      { limit: `${h1}:${h2}`, skipTags: ['skip-me'] },
    );
    const owner = async (h: string, path: string): Promise<string> => (await hostExec(lab.state, h, `stat -c %U ${path}`)).stdout.trim();
    expect(await readOnHost(h1, `${STATE}/who-inventory`)).toBe('root\n');
    expect(await readOnHost(h1, `/home/${lab.state.user}/e2e-who`)).toBe(`${lab.state.user}\n`);
    expect(await owner(h1, `/home/${lab.state.user}/e2e-who`)).toBe(lab.state.user);
    expect(await readOnHost(h1, `${STATE}/who-kuma-dp`)).toBe('kuma-dp\n');
    expect(await readOnHost(h1, `${STATE}/script`)).toBe('two words root\n');
    expect(resultOf(outcome, h1, 'ignored failure')).toMatchObject({ status: 'failed', ignored: true });
    expect(resultOf(outcome, h1, 'failed_when decides')).toMatchObject({ status: 'failed', ignored: true, rc: 0 });
    const secret = resultOf(outcome, h1, 'secret')!;
    expect(secret.censored).toBe(true);
    expect(JSON.stringify(outcome.results)).not.toContain('s3cr3t');
    const slow = resultOf(outcome, h1, 'too slow')!;
    expect(slow.msg).toContain('timeout of 1s');
    expect(slow.durationMs).toBeLessThan(10_000);
    expect(resultOf(outcome, h1, 'tagged out')).toBeUndefined();
    expect(await readOnHost(h1, `${STATE}/tagged`)).toBeNull();
    expect(resultOf(outcome, h1, 'never for real')?.status).toBe('changed');
    expect(await readOnHost(h1, `${STATE}/check-mode`)).toBeNull();
    expect(resultOf(outcome, h1, 'commands skip in check mode')?.status).toBe('skipped');
    expect(await readOnHost(h1, `${STATE}/check-mode-shell`)).toBeNull();
    // The block failed on h2: always ran there too, then h2 was out of the rest of the run.
    for (const h of [h1, h2]) expect(await readOnHost(h, `${STATE}/always`)).toBe('always\n');
    expect(resultOf(outcome, h2, 'breaks on the second host')?.status).toBe('failed');
    expect(await readOnHost(h1, `${STATE}/who-play`)).toBe(`${lab.state.user}\n`);
    expect(await readOnHost(h1, `${STATE}/who-task`)).toBe('root\n');
    expect(await readOnHost(h2, `${STATE}/who-play`)).toBeNull();
    expect(outcome.stats[h1]).toMatchObject({ failed: 0, ignored: 3 });
    expect(outcome.exitCode).toBe(2);
  });

  it('templated serial and max_fail_percentage as the upgrade playbook writes them; one tpx_run_id on every host', async () => {
    const events: EngineEvent[] = [];
    const outcome = await runOnLab(
      `
- hosts: all
  become: true
  serial: "{{ serial | default([1, '25%', '100%']) }}"
  max_fail_percentage: "{{ max_fail_percentage | default(0) }}"
  tasks:
    - name: stamp
      shell: mkdir -p ${STATE} && echo {{ tpx_run_id | quote }} > ${STATE}/run-id
`,
      { events },
    );
    expect(events.flatMap((e) => (e.type === 'batch-start' ? [e.hosts.length] : []))).toEqual([1, 1, 4]);
    const start = events.find((e) => e.type === 'run-start');
    const id = start?.type === 'run-start' ? start.runId : undefined;
    expect(id).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/);
    for (const h of names()) expect(await readOnHost(h, `${STATE}/run-id`)).toBe(`${id}\n`);
    expect(outcome.exitCode).toBe(0);
  });

  it('an upload refused by the host (Permission denied) fails the task; the host stays reachable', async () => {
    const [h1] = names();
    const outcome = await runOnLab(
      `
- hosts: all
  become: false
  tasks:
    - name: upload where the login user may not write
      copy: { content: "x\\n", dest: /opt/tpx-e2e-denied }
      ignore_errors: true
    - name: still connected
      shell: echo here > ~/e2e-here
`,
      { limit: h1 },
    );
    const upload = resultOf(outcome, h1, 'upload where the login user may not write')!;
    expect(upload).toMatchObject({ status: 'failed', ignored: true });
    expect(upload.msg).toMatch(/Permission denied/);
    expect(outcome.stats[h1].unreachable).toBe(0);
    expect(await readOnHost(h1, `/home/${lab.state.user}/e2e-here`)).toBe('here\n');
    expect(await readOnHost(h1, '/opt/tpx-e2e-denied')).toBeNull();
  });

  it('a connection dropped during an until task is a failed attempt; the next attempt runs on a new connection', async () => {
    const [, , h3] = names();
    const events: EngineEvent[] = [];
    await hostExec(lab.state, h3, `rm -rf ${STATE}`);
    // Every connection to h3 is reset 5 s after it was accepted (margin for a slow login on a
    // loaded machine), until the engine waits to retry. The first attempt would run 40 s.
    await setLabFault(lab.dir, h3, { kind: 'drop', afterMs: 5000 });
    try {
      const outcome = await runOnLab(
        `
- hosts: all
  become: true
  tasks:
    - name: long step
      shell: mkdir -p ${STATE} && echo start >> ${STATE}/attempts && if [ -f ${STATE}/started ]; then echo done > ${STATE}/done; else touch ${STATE}/started; sleep 40; fi
      register: step
      retries: 3
      delay: 1
      until: step.rc != 255
    - name: after
      shell: echo after > ${STATE}/after
`,
        { limit: h3, events, sleep: () => setLabFault(lab.dir, h3, null) },
      );
      const step = resultOf(outcome, h3, 'long step')!;
      expect(step.status).toBe('changed');
      expect(events.filter((e) => e.type === 'warning' && e.host === h3).map((e) => (e.type === 'warning' ? e.msg : ''))).toEqual([
        expect.stringMatching(/^connection lost: .*\(attempt 1 of 4\); retrying on a new connection$/),
      ]);
      expect(events.filter((e) => e.type === 'host-connected' && e.host === h3)).toHaveLength(2);
      expect(await readOnHost(h3, `${STATE}/done`)).toBe('done\n');
      expect(await readOnHost(h3, `${STATE}/after`)).toBe('after\n');
      expect((await readOnHost(h3, `${STATE}/attempts`))?.split('\n').filter(Boolean)).toHaveLength(2);
      expect(outcome.exitCode).toBe(0);
    } finally {
      await setLabFault(lab.dir, h3, null);
    }
  });

  it('a connection dropped in a task without retries: the host is unreachable and nothing more runs on it', async () => {
    const [, , , h4] = names();
    await hostExec(lab.state, h4, `rm -f ${STATE}/after-drop`);
    await setLabFault(lab.dir, h4, { kind: 'drop', afterMs: 5000 });
    try {
      const outcome = await runOnLab(
        `
- hosts: all
  become: true
  tasks:
    - name: cut off
      command: sleep 40
    - name: after
      shell: echo after > ${STATE}/after-drop
`,
        { limit: h4 },
      );
      const cut = resultOf(outcome, h4, 'cut off')!;
      expect(cut.status).toBe('unreachable');
      expect(cut.msg).toMatch(/^connection lost: /);
      expect(resultOf(outcome, h4, 'after')).toBeUndefined();
      expect(await readOnHost(h4, `${STATE}/after-drop`)).toBeNull();
      expect(outcome.exitCode).toBe(3);
    } finally {
      await setLabFault(lab.dir, h4, null);
    }
  });
});
