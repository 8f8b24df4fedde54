import { describe, expect, it } from 'vitest';
import { fleetInventory } from './run-harness.js';
import { trackRuns } from './track-runs.js';

const run = trackRuns();

describe('runPlaybook', () => {
  it('emits run-start, play-start, batch-start, task events and run-end with stats, in order', async () => {
    const r = await run(
      `
- name: first play
  hosts: web
  tasks:
    - name: hello
      debug: { msg: hi }
`,
      fleetInventory(2),
    );
    expect(r.events.map((e) => e.type)).toEqual([
      'run-start',
      'play-start',
      'batch-start',
      'task-start',
      'task-start',
      'task-end',
      'task-end',
      'host-end',
      'host-end',
      'run-end',
    ]);
    expect(r.events[0]).toMatchObject({ hosts: ['h01', 'h02'], check: false });
    expect(r.events[1]).toEqual({ type: 'play-start', play: 'first play', hosts: ['h01', 'h02'] });
    expect(r.events.at(-1)).toMatchObject({ type: 'run-end', interrupted: false, halted: null, notReached: [], stats: { h01: { ok: 1 } } });
    expect(r.outcome.results.h01).toHaveLength(1);
  });

  it('-l narrows every play; onlyHosts (--retry-failed) narrows further', async () => {
    const pb = `
- hosts: web
  tasks:
    - command: touch x
`;
    const limited = await run(pb, fleetInventory(4), { limit: 'h02:h03:h04', onlyHosts: ['h01', 'h03', 'h04'] });
    expect(Object.keys(limited.outcome.stats).sort()).toEqual(['h03', 'h04']);
    expect(limited.fleet.readHostFile('h02', 'x')).toBeUndefined();
    expect(limited.fleet.readHostFile('h03', 'x')).toBe('');
  });

  it("onlyHosts' order is the play's: with serial, the first batch is the first host it names", async () => {
    const r = await run(
      `
- hosts: web
  serial: 1
  tasks:
    - command: "true"
`,
      fleetInventory(4),
      { onlyHosts: ['h03', 'h01', 'h04'] },
    );
    const batches = r.events.filter((e) => e.type === 'batch-start').map((e) => (e.type === 'batch-start' ? e.hosts : []));
    expect(batches).toEqual([['h03'], ['h01'], ['h04']]);
  });

  it('a host that failed in one play is left out of the next', async () => {
    const r = await run(
      `
- hosts: web
  tasks:
    - shell: "test {{ inventory_hostname }} != h01"
- hosts: web
  tasks:
    - name: second
      command: "true"
`,
      fleetInventory(2),
    );
    expect(r.result('h01', 'second')).toBeUndefined();
    expect(r.result('h02', 'second')?.status).toBe('changed');
  });

  it('-v reports action commands and streams their output; -vv adds fact commands', async () => {
    const pb = `
- hosts: h01
  tasks:
    - name: cmd
      shell: echo out
    - name: cp
      copy: { content: "x", dest: "./c.txt" }
`;
    const quiet = await run(pb, fleetInventory(1));
    expect(quiet.events.some((e) => e.type === 'task-command')).toBe(false);
    const v = await run(pb, fleetInventory(1), { verbosity: 1 });
    const cmds = v.events.flatMap((e) => (e.type === 'task-command' ? [`${e.task}`] : []));
    expect(cmds).toContain('cmd');
    expect(v.events.find((e) => e.type === 'task-output')).toMatchObject({ host: 'h01', task: 'cmd', stream: 'stdout', chunk: 'out\n' });
    const vv = await run(pb, fleetInventory(1), { verbosity: 2 });
    const count = (x: typeof v) => x.events.filter((e) => e.type === 'task-command').length;
    expect(count(vv)).toBeGreaterThan(count(v));
  });

  it('set_fact, assert and fail run on the controller only', async () => {
    const r = await run(
      `
- hosts: h01
  tasks:
    - set_fact: { n: 3 }
    - name: check
      assert: { that: ["n == 3"] }
    - name: stop
      fail: { msg: "stopped at {{ n }}" }
`,
      fleetInventory(1),
    );
    expect(r.result('h01', 'check')?.status).toBe('ok');
    expect(r.result('h01', 'stop')).toMatchObject({ status: 'failed', msg: 'stopped at 3' });
    expect(r.fleet.connections.size).toBe(0);
  });
});
