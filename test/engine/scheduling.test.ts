import { describe, expect, it } from 'vitest';
import { fleetInventory } from './run-harness.js';
import { trackRuns } from './track-runs.js';

const run = trackRuns();

describe('strategies', () => {
  it('linear: every host finishes a task before any host starts the next', async () => {
    const r = await run(
      `
- hosts: web
  tasks:
    - name: one
      shell: "sleep 0.{{ 3 if inventory_hostname == 'h01' else 0 }}"
    - name: two
      command: "true"
`,
      fleetInventory(3),
    );
    const order = r.order();
    expect(order.slice(0, 3).every((x) => x.endsWith(':one'))).toBe(true);
    expect(order.slice(3).every((x) => x.endsWith(':two'))).toBe(true);
  });

  it('free: a fast host runs ahead of a slow one', async () => {
    const r = await run(
      `
- hosts: web
  strategy: free
  tasks:
    - name: one
      shell: "sleep {{ 1 if inventory_hostname == 'h01' else 0 }}"
    - name: two
      command: "true"
`,
      fleetInventory(2),
    );
    const order = r.order();
    expect(order.indexOf('h02:two')).toBeLessThan(order.indexOf('h01:one'));
  });

  it('forks limits how many hosts run at once', async () => {
    const r = await run(
      `
- hosts: web
  tasks:
    - name: stamp
      shell: echo start $(date +%s%N) > t; sleep 0.2; echo end $(date +%s%N) >> t
`,
      fleetInventory(4),
      { forks: 2 },
    );
    let running = 0;
    let peak = 0;
    for (const e of r.events) {
      if (e.type === 'task-start') peak = Math.max(peak, ++running);
      if (e.type === 'task-end') running--;
    }
    expect(peak).toBe(2);
    expect(r.outcome.exitCode).toBe(0);
  });
});

describe('serial rollouts and failure budgets', () => {
  it('runs batches of [1, "25%", "100%"] one after another', async () => {
    const r = await run(
      `
- hosts: web
  serial: [1, "25%", "100%"]
  tasks:
    - name: t
      command: "true"
`,
      fleetInventory(10),
    );
    const batches = r.events.flatMap((e) => (e.type === 'batch-start' ? [e.hosts.length] : []));
    expect(batches).toEqual([1, 2, 7]);
    expect(r.order()[0]).toBe('h01:t');
    expect(r.order().slice(1, 3).sort()).toEqual(['h02:t', 'h03:t']);
  });

  it('max_fail_percentage 0 halts after the first batch with a failed host; later batches untouched', async () => {
    const r = await run(
      `
- hosts: web
  serial: [1, "25%", "100%"]
  max_fail_percentage: 0
  tasks:
    - name: upgrade
      shell: "test {{ inventory_hostname }} != h03 && touch upgraded"
    - name: verify
      command: touch verified
`,
      fleetInventory(10),
    );
    expect(r.fleet.readHostFile('h01', 'verified')).toBe('');
    expect(r.fleet.readHostFile('h02', 'upgraded')).toBe('');
    expect(r.fleet.readHostFile('h02', 'verified')).toBeUndefined();
    for (const h of ['h04', 'h05', 'h10']) expect(r.fleet.readHostFile(h, 'upgraded')).toBeUndefined();
    expect(r.outcome.halted).toMatchObject({ batch: 2, reason: expect.stringMatching(/max_fail_percentage 0% exceeded: 1 of 2 hosts failed/) });
    // h02 was upgraded before the halt: it says so (changed), stopped early; the rest never ran.
    expect(r.outcome.notReached).toEqual(['h04', 'h05', 'h06', 'h07', 'h08', 'h09', 'h10']);
    expect(r.outcome.stoppedEarly).toEqual(['h02']);
    expect(r.outcome.hostStatus.h02).toBe('changed');
    const halted = r.events.find((e) => e.type === 'batch-halted');
    expect(halted).toMatchObject({ batch: 2, remaining: ['h02', 'h04', 'h05', 'h06', 'h07', 'h08', 'h09', 'h10'] });
    expect(r.outcome.exitCode).toBe(2);
    const end = r.events.at(-1);
    expect(end).toMatchObject({ type: 'run-end', halted: { batch: 2 } });
  });

  it('max_fail_percentage allows failures up to the percentage', async () => {
    const r = await run(
      `
- hosts: web
  serial: 4
  max_fail_percentage: 25
  tasks:
    - shell: "test {{ inventory_hostname }} != h02"
    - command: touch done
`,
      fleetInventory(8),
    );
    expect(r.outcome.halted).toBeNull();
    expect(r.fleet.readHostFile('h08', 'done')).toBe('');
    expect(r.fleet.readHostFile('h02', 'done')).toBeUndefined();
    expect(r.outcome.exitCode).toBe(2);
  });

  it('without max_fail_percentage a serial rollout goes on after a failure, but stops when a whole batch failed', async () => {
    const r = await run(
      `
- hosts: web
  serial: 2
  tasks:
    - shell: "test {{ inventory_hostname }} != h01 && test {{ inventory_hostname }} != h03 && test {{ inventory_hostname }} != h04"
`,
      fleetInventory(6),
    );
    expect(r.outcome.halted).toMatchObject({ batch: 2, reason: expect.stringMatching(/every host of batch 2 failed/) });
    expect(r.outcome.notReached).toEqual(['h05', 'h06']);
    expect(r.fleet.connections.has('h05')).toBe(false);
  });

  it('any_errors_fatal stops every host after the task where one failed', async () => {
    const r = await run(
      `
- hosts: web
  any_errors_fatal: true
  tasks:
    - name: first
      shell: "test {{ inventory_hostname }} != h02"
    - name: second
      command: touch second
- hosts: web
  tasks:
    - command: touch next-play
`,
      fleetInventory(3),
    );
    for (const h of ['h01', 'h02', 'h03']) {
      expect(r.fleet.readHostFile(h, 'second')).toBeUndefined();
      expect(r.fleet.readHostFile(h, 'next-play')).toBeUndefined();
    }
    expect(r.outcome.halted?.reason).toMatch(/any_errors_fatal: task "first" failed on h02/);
    // h01 and h03 ran "first" (they did work): stopped early, not "not reached".
    expect(r.outcome.notReached).toEqual([]);
    expect([...r.outcome.stoppedEarly].sort()).toEqual(['h01', 'h03']);
    expect(r.outcome.exitCode).toBe(2);
  });

  it('block/rescue inside a serial rollout with max_fail_percentage: rescued hosts do not halt, a re-failed rescue does', async () => {
    const playbook = `
- hosts: web
  serial: [1, "25%", "100%"]
  max_fail_percentage: 0
  tasks:
    - name: backup
      shell: echo v1 > state
    - block:
        - name: install
          shell: "echo v2 > state; test {{ inventory_hostname }} != {{ broken }}"
        - name: verify
          command: touch verified
      rescue:
        - name: restore
          shell: echo v1 > state
        - name: report
          fail: { msg: "install failed on {{ inventory_hostname }}, restored" }
          when: strict
`;
    const lenient = await run(playbook, fleetInventory(8), { extraVars: { broken: 'h03', strict: false } });
    expect(lenient.outcome.halted).toBeNull();
    expect(lenient.fleet.readHostFile('h03', 'state')).toBe('v1\n');
    expect(lenient.fleet.readHostFile('h08', 'verified')).toBe('');
    expect(lenient.outcome.stats.h03).toMatchObject({ rescued: 1, failed: 0 });
    expect(lenient.outcome.exitCode).toBe(0);

    const strict = await run(playbook, fleetInventory(8), { extraVars: { broken: 'h03', strict: true } });
    expect(strict.fleet.readHostFile('h03', 'state')).toBe('v1\n');
    expect(strict.fleet.readHostFile('h02', 'verified')).toBe('');
    expect(strict.fleet.readHostFile('h04', 'state')).toBeUndefined();
    expect(strict.outcome.halted).toMatchObject({ batch: 2 });
    expect(strict.result('h03', 'report')).toMatchObject({ status: 'failed', msg: 'install failed on h03, restored' });
    expect(strict.outcome.notReached).toEqual(['h04', 'h05', 'h06', 'h07', 'h08']);
    expect(strict.outcome.stats.h03).toMatchObject({ rescued: 1, failed: 1 });
  });
});
