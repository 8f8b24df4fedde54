import { describe, expect, it } from 'vitest';
import { EventBus, type EngineEvent } from '../../src/engine/events.js';
import { fleetInventory } from './run-harness.js';
import { trackRuns } from './track-runs.js';

const run = trackRuns();

type HostEnd = Extract<EngineEvent, { type: 'host-end' }>;
const hostEnds = (events: EngineEvent[]): HostEnd[] => events.filter((e): e is HostEnd => e.type === 'host-end');

describe('host-end', () => {
  it('comes once per host, after its last play, with its status and counts', async () => {
    const r = await run(
      `
- hosts: web
  tasks:
    - command: touch a
- hosts: h01
  tasks:
    - debug: { msg: more }
`,
      fleetInventory(2),
    );
    const ends = hostEnds(r.events);
    expect(ends.map((e) => [e.host, e.status])).toEqual([
      ['h02', 'changed'],
      ['h01', 'changed'],
    ]);
    // h02 is done after the first play, before the second starts; h01 after the second.
    const types = r.events.map((e) => (e.type === 'host-end' ? `end ${e.host}` : e.type));
    expect(types.indexOf('end h02')).toBeLessThan(types.lastIndexOf('play-start'));
    expect(types.indexOf('end h01')).toBeGreaterThan(types.lastIndexOf('play-start'));
    expect(ends[1].stats).toMatchObject({ ok: 2, changed: 1 });
  });

  it('a host that fails gets host-end failed at once, not again in later plays; serial batches end their hosts batch by batch', async () => {
    const r = await run(
      `
- hosts: web
  serial: 1
  tasks:
    - command: "false"
      when: inventory_hostname == 'h01'
    - debug: { msg: ok }
- hosts: web
  tasks:
    - debug: { msg: second }
`,
      fleetInventory(3),
    );
    const ends = hostEnds(r.events);
    expect(ends.map((e) => [e.host, e.status])).toEqual([['h01', 'failed']]);
    expect(r.outcome.halted).not.toBeNull();
  });

  it('hosts an interrupt cuts short get no host-end; the ones that finished keep theirs', async () => {
    const controller = new AbortController();
    const bus = new EventBus();
    bus.subscribe((e) => {
      if (e.type === 'task-start' && e.host === 'h02' && e.task === 'slow') setTimeout(() => controller.abort('SIGINT'), 100);
    });
    const r = await run(
      `
- hosts: web
  serial: 1
  tasks:
    - name: slow
      command: "{{ 'sleep 30' if inventory_hostname != 'h01' else 'true' }}"
`,
      fleetInventory(3),
      { signal: controller.signal, bus },
    );
    expect(hostEnds(r.events).map((e) => [e.host, e.status])).toEqual([['h01', 'changed']]);
    expect(r.outcome.exitCode).toBe(99);
    // An interrupted run is not "halted" by the tasks the interrupt stopped.
    expect(r.outcome.halted).toBeNull();
    expect(r.events.filter((e) => e.type === 'batch-halted')).toEqual([]);
  });
});
