import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/engine/events.js';
import { createLocalFleet } from '../helpers/local-connection.js';
import { fleetInventory } from './run-harness.js';
import { trackRuns } from './track-runs.js';

const run = trackRuns();

describe('unreachable hosts', () => {
  it('a host that cannot connect is unreachable; the others go on; exit 3', async () => {
    const fleet = createLocalFleet();
    fleet.unreachable.add('h02');
    const r = await run(
      `
- hosts: web
  tasks:
    - name: local only
      debug: { msg: hi }
    - name: first
      command: touch a
    - name: second
      command: touch b
- hosts: web
  tasks:
    - name: later play
      command: touch c
`,
      fleetInventory(3),
      { fleet },
    );
    expect(r.result('h02', 'local only')?.status).toBe('ok');
    expect(r.result('h02', 'first')).toMatchObject({ status: 'unreachable', failed: true });
    expect(r.result('h02', 'second')).toBeUndefined();
    expect(r.result('h02', 'later play')).toBeUndefined();
    expect(r.fleet.readHostFile('h03', 'c')).toBe('');
    expect(r.events.filter((e) => e.type === 'host-unreachable')).toEqual([
      { type: 'host-unreachable', host: 'h02', kind: 'refused', msg: 'h02: connection refused' },
    ]);
    expect(r.outcome.stats.h02).toMatchObject({ ok: 1, unreachable: 1 });
    expect(r.outcome.hostStatus.h02).toBe('unreachable');
    expect(r.outcome.exitCode).toBe(3);
  });

  it('tpx_unreachable_fails: an unreachable host spends the failure budget; without it the rollout goes on, as in Ansible', async () => {
    const playbook = `
- hosts: web
  serial: 2
  max_fail_percentage: 0
  tasks:
    - name: work
      command: touch a
`;
    const plain = createLocalFleet();
    plain.unreachable.add('h01');
    const ansibleWay = await run(playbook, fleetInventory(4), { fleet: plain });
    expect(ansibleWay.outcome.halted).toBeNull();
    expect(ansibleWay.fleet.readHostFile('h04', 'a')).toBe('');
    expect(ansibleWay.outcome.exitCode).toBe(3);

    const strict = createLocalFleet();
    strict.unreachable.add('h01');
    const halted = await run(playbook, fleetInventory(4), { fleet: strict, extraVars: { tpx_unreachable_fails: 'yes' } });
    expect(halted.outcome.halted).toMatchObject({
      batch: 1,
      reason: 'max_fail_percentage 0% exceeded: 1 of 2 hosts failed or were unreachable (50%), last at task "work"',
    });
    expect(halted.result('h02', 'work')?.status).toBe('changed');
    expect(halted.result('h03', 'work')).toBeUndefined();
    expect(halted.outcome.notReached).toEqual(['h03', 'h04']);
  });

  it('tpx_unreachable_fails that is not a boolean is an input error before anything runs', async () => {
    await expect(run('- hosts: web\n  tasks: [{command: "true"}]\n', fleetInventory(1), { extraVars: { tpx_unreachable_fails: 'sometimes' } })).rejects.toThrow(
      /play "[^"]*": tpx_unreachable_fails: it rendered to "sometimes"; expected true or false/,
    );
  });

  it('connects lazily once per host, reuses the connection, closes it at the end', async () => {
    const r = await run(
      `
- hosts: web
  tasks:
    - command: "true"
    - command: "true"
- hosts: web
  tasks:
    - command: "true"
`,
      fleetInventory(2),
    );
    for (const h of ['h01', 'h02']) {
      const conns = r.fleet.connections.get(h)!;
      expect(conns).toHaveLength(1);
      expect(conns[0].closed).toBe(true);
    }
    expect(r.events.filter((e) => e.type === 'host-connected')).toHaveLength(2);
  });
});

describe('interrupt', () => {
  it('stops in-flight commands, marks them failed "interrupted", starts nothing new, exit 99', async () => {
    const controller = new AbortController();
    const bus = new EventBus();
    bus.subscribe((e) => {
      if (e.type === 'task-start' && e.task === 'long' && e.host === 'h02') setTimeout(() => controller.abort('SIGINT'), 200);
    });
    const started = Date.now();
    const r = await run(
      `
- hosts: web
  serial: 2
  tasks:
    - name: long
      command: sleep 30
    - name: next
      command: touch next
`,
      fleetInventory(4),
      { signal: controller.signal, bus },
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.result('h01', 'long')).toMatchObject({ status: 'failed', msg: 'interrupted' });
    expect(r.result('h01', 'next')).toBeUndefined();
    expect(r.results('h03')).toEqual([]);
    expect(r.outcome.interrupted).toBe(true);
    expect(r.outcome.exitCode).toBe(99);
    expect([...r.outcome.notReached].sort()).toEqual(['h03', 'h04']);
    expect(r.events.find((e) => e.type === 'interrupted')).toEqual({ type: 'interrupted', signal: 'SIGINT' });
    expect(r.events.at(-1)).toMatchObject({ type: 'run-end', interrupted: true });
  });

  it("an interrupted command's last line on stderr (how it ended on the host) is in the message", async () => {
    const controller = new AbortController();
    const bus = new EventBus();
    bus.subscribe((e) => {
      if (e.type === 'task-start' && e.task === 'long') setTimeout(() => controller.abort('SIGINT'), 300);
    });
    const r = await run(
      `
- hosts: h01
  tasks:
    - name: long
      shell: trap 'echo "stopping" >&2; echo "restored from backup b1" >&2; exit 1' TERM; sleep 30 & wait
`,
      fleetInventory(1),
      { signal: controller.signal, bus },
    );
    expect(r.result('h01', 'long')).toMatchObject({ status: 'failed', msg: 'interrupted; its last word: restored from backup b1' });
  });

  it('a host waiting for a fork when the run is interrupted never starts and is not reached', async () => {
    const controller = new AbortController();
    const bus = new EventBus();
    bus.subscribe((e) => {
      if (e.type === 'task-start' && e.host === 'h01') setTimeout(() => controller.abort('SIGTERM'), 100);
    });
    const r = await run(
      `
- hosts: web
  tasks:
    - name: long
      command: sleep 30
`,
      fleetInventory(3),
      { signal: controller.signal, bus, forks: 1 },
    );
    expect(r.results('h02')).toEqual([]);
    expect([...r.outcome.notReached].sort()).toEqual(['h02', 'h03']);
    expect(r.outcome.exitCode).toBe(99);
  });

  it('interrupting during an until delay stops the retries', async () => {
    const controller = new AbortController();
    const r = await run(
      `
- hosts: h01
  tasks:
    - name: wait
      command: "false"
      register: res
      until: res.rc == 0
      retries: 100
      delay: 1
`,
      fleetInventory(1),
      {
        signal: controller.signal,
        sleep: async () => {
          controller.abort('SIGINT');
        },
      },
    );
    expect(r.result('h01', 'wait')).toMatchObject({ status: 'failed', msg: 'interrupted' });
    expect(r.fleet.calls.filter((c) => c.kind === 'exec')).toHaveLength(1);
  });
});
