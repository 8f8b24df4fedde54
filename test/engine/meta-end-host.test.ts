/**
 * `meta: end_host`, `end_batch` and `end_play`, as ansible-playbook 2.14 runs them (checked on
 * three local-connection hosts: the recaps below are Ansible's): the hosts they apply to end
 * the play (or batch) right there — no later task, no `always`, no handler — count as done,
 * and run the next play as usual.
 */
import { describe, expect, it } from 'vitest';
import { fleetInventory } from './run-harness.js';
import { trackRuns } from './track-runs.js';

const run = trackRuns();

describe('meta: end_host', () => {
  it('ends the play for the hosts its when holds on, always and handlers included; they are done, and run later plays', async () => {
    const r = await run(
      `
- hosts: web
  tasks:
    - debug: msg=one
    - block:
        - meta: end_host
          when: inventory_hostname == 'h02'
        - debug: msg=in-block
      always:
        - debug: msg=always
    - command: "true"
      notify: hh
  handlers:
    - name: hh
      debug: msg=handler
- hosts: web
  tasks:
    - debug: msg=second-play
`,
      fleetInventory(3),
    );
    // Ansible: h1 and h3 ok=5 (one, in-block, always, the command [changed], the handler) + 1; h2 ok=2.
    expect(r.outcome.stats.h01).toMatchObject({ ok: 6, changed: 1, failed: 0, skipped: 0 });
    expect(r.outcome.stats.h03).toMatchObject({ ok: 6, changed: 1, failed: 0, skipped: 0 });
    expect(r.outcome.stats.h02).toMatchObject({ ok: 2, changed: 0, failed: 0, skipped: 0 });
    expect(r.results('h02').map((t) => t.task)).toEqual(['debug', 'debug']);
    expect(r.outcome.exitCode).toBe(0);
    expect(r.outcome.notReached).toEqual([]);
    const ends = r.events.filter((e) => e.type === 'host-end');
    expect(ends.map((e) => (e.type === 'host-end' ? [e.host, e.status] : []))).toEqual(
      expect.arrayContaining([
        ['h01', 'changed'],
        ['h02', 'ok'],
        ['h03', 'changed'],
      ]),
    );
  });

  it('without when it ends the play for every host still in', async () => {
    const r = await run(
      `
- hosts: web
  tasks:
    - meta: end_host
    - command: touch never
`,
      fleetInventory(2),
    );
    expect(r.fleet.readHostFile('h01', 'never')).toBeUndefined();
    expect(r.fleet.readHostFile('h02', 'never')).toBeUndefined();
    expect(r.outcome.exitCode).toBe(0);
    expect(r.outcome.notReached).toEqual([]);
  });
});

describe('meta: end_batch and end_play', () => {
  it('end the batch or the play for every host, the condition decided on the first host; later plays run', async () => {
    const r = await run(
      `
- hosts: web
  serial: 2
  tasks:
    - debug: msg=a
    - meta: end_batch
      when: inventory_hostname in ['h01', 'h03']
    - debug: msg=b
- hosts: web
  serial: 2
  tasks:
    - debug: msg=c
    - meta: end_play
      when: inventory_hostname == 'h02'
    - debug: msg=d
    - meta: end_play
    - debug: msg=e
- hosts: web
  tasks:
    - debug: msg=f
`,
      fleetInventory(3),
    );
    // ansible-playbook 2.14's recap for the same playbook: h1 ok=4, h2 ok=4, h3 ok=2.
    const msgs = (h: string) => r.results(h).map((t) => t.msg);
    expect(msgs('h01')).toEqual(['a', 'c', 'd', 'f']);
    expect(msgs('h02')).toEqual(['a', 'c', 'd', 'f']);
    expect(msgs('h03')).toEqual(['a', 'f']);
    expect(r.outcome.exitCode).toBe(0);
    expect(r.outcome.notReached).toEqual([]);
    expect(
      r.events
        .filter((e) => e.type === 'host-end')
        .map((e) => (e.type === 'host-end' ? e.host : ''))
        .sort(),
    ).toEqual(['h01', 'h02', 'h03']);
  });

  it('end_play in the last play: hosts of later batches are done (host-end), not left to --retry-failed', async () => {
    const r = await run(
      `
- hosts: web
  serial: 1
  tasks:
    - debug: msg=a
    - meta: end_play
`,
      fleetInventory(3),
    );
    expect(r.results('h02')).toEqual([]);
    expect(r.outcome.notReached).toEqual([]);
    const ends = r.events.filter((e) => e.type === 'host-end').map((e) => (e.type === 'host-end' ? `${e.host}:${e.status}` : ''));
    expect(ends.sort()).toEqual(['h01:ok', 'h02:skipped', 'h03:skipped']);
  });
});
