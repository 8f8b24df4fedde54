import { describe, expect, it } from 'vitest';
import { NO_LOG_MESSAGE } from '../../src/engine/task-result.js';
import { fleetInventory } from './run-harness.js';
import { trackRuns } from './track-runs.js';

const run = trackRuns();
const inv2 = fleetInventory(2);

describe('when', () => {
  it('skips a task when false, per host, without connecting', async () => {
    const r = await run(
      `
- hosts: web
  tasks:
    - name: only h02
      command: touch marker
      when: inventory_hostname == 'h02'
`,
      inv2,
    );
    expect(r.result('h01', 'only h02')?.status).toBe('skipped');
    expect(r.result('h02', 'only h02')?.status).toBe('changed');
    expect(r.fleet.readHostFile('h01', 'marker')).toBeUndefined();
    expect(r.fleet.connections.has('h01')).toBe(false);
    expect(r.outcome.stats.h01.skipped).toBe(1);
  });

  it('a list of conditions is an AND, and block conditions apply to their tasks', async () => {
    const r = await run(
      `
- hosts: h01
  vars: { a: 1, b: 2 }
  tasks:
    - name: both
      debug: { msg: yes }
      when: [a == 1, b == 3]
    - block:
        - name: inner
          debug: { msg: yes }
          when: a == 1
      when: b == 3
`,
      inv2,
    );
    expect(r.result('h01', 'both')?.status).toBe('skipped');
    expect(r.result('h01', 'inner')?.status).toBe('skipped');
  });
});

describe('register, changed_when, failed_when, ignore_errors', () => {
  it('register holds rc, stdout, stderr, lines, changed, failed, skipped', async () => {
    const r = await run(
      `
- hosts: h01
  tasks:
    - name: cmd
      shell: printf 'a\\nb\\n'; echo oops >&2
      register: out
    - name: skipped one
      command: "true"
      when: false
      register: sk
    - name: show
      debug:
        msg: "{{ out.rc }}|{{ out.stdout_lines | join(',') }}|{{ out.stderr }}|{{ out.changed }}|{{ out.failed }}|{{ sk.skipped }}|{{ sk.changed }}"
`,
      inv2,
    );
    expect(r.result('h01', 'show')?.msg).toBe('0|a,b|oops|True|False|True|False');
  });

  it('changed_when and failed_when replace the module verdict and see the registered result', async () => {
    const r = await run(
      `
- hosts: h01
  tasks:
    - name: not changed
      command: echo same
      register: res
      changed_when: "'changed' in res.stdout"
    - name: grep miss is fine
      shell: exit 1
      register: g
      failed_when: g.rc > 1
    - name: fails on output
      command: echo ERROR here
      register: e
      failed_when: "'ERROR' in e.stdout"
`,
      inv2,
    );
    expect(r.result('h01', 'not changed')?.status).toBe('ok');
    expect(r.result('h01', 'grep miss is fine'), JSON.stringify(r.result('h01', 'grep miss is fine'))).toMatchObject({ status: 'changed', rc: 1 });
    expect(r.result('h01', 'fails on output')?.status).toBe('failed');
    expect(r.outcome.exitCode).toBe(2);
  });

  it('a non-zero rc fails the task; ignore_errors keeps the host going and counts it ignored', async () => {
    const r = await run(
      `
- hosts: web
  tasks:
    - name: boom
      shell: echo bad >&2; exit 3
      ignore_errors: true
      when: inventory_hostname == 'h01'
    - name: boom2
      shell: exit 4
      when: inventory_hostname == 'h02'
    - name: after
      command: "true"
`,
      inv2,
    );
    expect(r.result('h01', 'boom')).toMatchObject({ status: 'failed', ignored: true, rc: 3, stderr: 'bad', msg: 'non-zero return code' });
    expect(r.result('h01', 'after')?.status).toBe('changed');
    expect(r.result('h02', 'after')).toBeUndefined();
    expect(r.outcome.stats.h01).toMatchObject({ ok: 2, ignored: 1, failed: 0 });
    expect(r.outcome.stats.h02).toMatchObject({ failed: 1 });
    expect(r.outcome.hostStatus).toMatchObject({ h01: 'changed', h02: 'failed' });
  });
});

describe('loop', () => {
  it('runs per item with item and ansible_loop, registers results, when per item', async () => {
    const r = await run(
      `
- hosts: h01
  vars: { names: [a, b, c] }
  tasks:
    - name: touch
      shell: echo {{ ansible_loop.index }} > {{ item }}.txt
      loop: "{{ names }}"
      when: item != 'b'
      register: touched
    - name: count
      debug: { msg: "{{ touched.results | length }} {{ touched.results[1].skipped }} {{ touched.results[2].item }} {{ touched.changed }}" }
    - name: loop var
      debug: { msg: "{{ pkg }}" }
      loop: [x]
      loop_control: { loop_var: pkg }
`,
      inv2,
    );
    expect(r.fleet.readHostFile('h01', 'a.txt')).toBe('1\n');
    expect(r.fleet.readHostFile('h01', 'b.txt')).toBeUndefined();
    expect(r.fleet.readHostFile('h01', 'c.txt')).toBe('3\n');
    expect(r.result('h01', 'count')?.msg).toBe('3 True c True');
    expect(r.result('h01', 'touch')?.results).toHaveLength(3);
    expect(r.result('h01', 'loop var')?.results?.[0]).toMatchObject({ pkg: 'x', msg: 'x' });
  });

  it('one failed item fails the task but every item runs', async () => {
    const r = await run(
      `
- hosts: h01
  tasks:
    - name: items
      shell: "test {{ item }} -ne 2 && touch f{{ item }}"
      loop: [1, 2, 3]
`,
      inv2,
    );
    expect(r.result('h01', 'items')).toMatchObject({ status: 'failed', msg: 'One or more items failed' });
    expect(r.fleet.readHostFile('h01', 'f3')).toBe('');
  });

  it('a loop that is not a list fails clearly', async () => {
    const r = await run(
      `
- hosts: h01
  vars: { x: 5 }
  tasks:
    - name: bad
      debug: { msg: "{{ item }}" }
      loop: "{{ x }}"
`,
      inv2,
    );
    expect(r.result('h01', 'bad')?.msg).toMatch(/requires a list/);
  });
});

describe('retries / until', () => {
  it('retries until the condition holds, with attempts in the result', async () => {
    const r = await run(
      `
- hosts: h01
  tasks:
    - name: flaky
      shell: n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; echo $n
      register: res
      until: res.stdout | int >= 3
      retries: 5
      delay: 0
    - name: show
      debug: { msg: "{{ res.attempts }}" }
`,
      inv2,
    );
    expect(r.result('h01', 'flaky')?.status).toBe('changed');
    expect(r.result('h01', 'show')?.msg).toBe('3');
    expect(r.fleet.readHostFile('h01', 'count')).toBe('3\n');
  });

  it('fails after retries+1 attempts; until alone means 3 attempts', async () => {
    const r = await run(
      `
- hosts: h01
  tasks:
    - name: two retries
      shell: echo x >> a; exit 1
      register: res
      until: res.rc == 0
      retries: 2
      delay: 0
      ignore_errors: true
    - name: default retries
      shell: echo x >> b
      register: res2
      until: false
      ignore_errors: true
`,
      inv2,
    );
    expect(r.fleet.readHostFile('h01', 'a')).toBe('x\nx\nx\n');
    expect(r.fleet.readHostFile('h01', 'b')).toBe('x\nx\nx\n');
    expect(r.result('h01', 'default retries')?.status).toBe('failed');
  });

  it('waits `delay` seconds between attempts', async () => {
    const waits: number[] = [];
    const r = await run(
      `
- hosts: h01
  tasks:
    - name: w
      command: "false"
      register: res
      until: res.rc == 0
      retries: 1
      delay: 2
      ignore_errors: true
`,
      inv2,
      { sleep: async (ms) => void waits.push(ms) },
    );
    expect(waits).toEqual([2000]);
    expect(r.result('h01', 'w')?.status).toBe('failed');
  });
});

describe('no_log, check_mode, become, timeout, tags', () => {
  it('no_log hides output in events and results but register keeps it', async () => {
    const r = await run(
      `
- hosts: h01
  tasks:
    - name: secret
      shell: echo hunter2
      register: s
      no_log: true
    - name: use
      shell: echo "{{ s.stdout }}" > got
`,
      inv2,
      { verbosity: 2 },
    );
    const res = r.result('h01', 'secret');
    expect(res).toMatchObject({ censored: true, stdout: NO_LOG_MESSAGE, msg: NO_LOG_MESSAGE });
    const text = JSON.stringify(r.events.filter((e) => ('task' in e && e.task === 'secret') || ('result' in e && e.result.task === 'secret')));
    expect(text).not.toContain('hunter2');
    expect(r.fleet.readHostFile('h01', 'got')).toBe('hunter2\n');
  });

  it('--check changes nothing; check_mode: false runs anyway; ansible_check_mode', async () => {
    const r = await run(
      `
- hosts: h01
  tasks:
    - name: cmd
      command: touch a
    - name: forced
      command: touch b
      check_mode: false
    - name: copy
      copy: { content: "hello\\n", dest: "{{ lookup_dir }}/c.txt" }
    - name: mode
      debug: { msg: "{{ ansible_check_mode }}" }
`,
      inv2,
      { check: true, extraVars: { lookup_dir: '.' } },
    );
    expect(r.result('h01', 'cmd')?.status).toBe('skipped');
    expect(r.fleet.readHostFile('h01', 'a')).toBeUndefined();
    expect(r.fleet.readHostFile('h01', 'b')).toBe('');
    expect(r.result('h01', 'copy')?.status).toBe('changed');
    expect(r.fleet.readHostFile('h01', 'c.txt')).toBeUndefined();
    expect(r.result('h01', 'mode')?.msg).toBe('true');
  });

  it('check_mode: true on a task keeps it from changing anything without --check', async () => {
    const r = await run(
      `
- hosts: h01
  tasks:
    - name: dry
      copy: { content: "x", dest: "./d.txt" }
      check_mode: true
`,
      inv2,
    );
    expect(r.result('h01', 'dry')?.status).toBe('changed');
    expect(r.fleet.readHostFile('h01', 'd.txt')).toBeUndefined();
  });

  it('become: task over block over play over inventory; become: false wins', async () => {
    const r = await run(
      `
- hosts: h01
  become: true
  tasks:
    - name: play level
      command: echo 1
    - block:
        - name: block off
          command: echo 2
        - name: task on
          command: echo 3
          become: true
          become_user: kuma
      become: false
- hosts: h01
  tasks:
    - name: inventory level
      command: echo 4
    - name: task off
      command: echo 5
      become: false
`,
      fleetInventory(1, { become: true, become_user: 'admin' }),
    );
    const byCmd = (c: string) => r.fleet.calls.find((x) => x.kind === 'exec' && x.command?.includes(c));
    expect(byCmd('echo 1')).toMatchObject({ become: true, becomeUser: 'admin' });
    expect(byCmd('echo 2')?.become).toBe(false);
    expect(byCmd('echo 3')).toMatchObject({ become: true, becomeUser: 'kuma' });
    expect(byCmd('echo 4')?.become).toBe(true);
    expect(byCmd('echo 5')?.become).toBe(false);
  });

  it('timeout stops the command and fails the task with a clear message', async () => {
    const started = Date.now();
    const r = await run(
      `
- hosts: h01
  tasks:
    - name: slow
      command: sleep 20
      timeout: 1
`,
      inv2,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.result('h01', 'slow')?.status).toBe('failed');
    expect(r.result('h01', 'slow')?.msg).toMatch(/timeout of 1s/);
    expect(r.fleet.calls.find((c) => c.command?.includes('sleep 20'))?.timeoutMs).toBeLessThanOrEqual(1000);
  });

  it('tags: -t, --skip-tags, always, never, inherited from play and block', async () => {
    const playbook = `
- hosts: h01
  tags: [p]
  tasks:
    - { name: t-a, debug: { msg: a }, tags: [a] }
    - { name: t-b, debug: { msg: b }, tags: [b] }
    - { name: t-always, debug: { msg: x }, tags: [always] }
    - { name: t-never, debug: { msg: x }, tags: [never, debugonly] }
    - block:
        - { name: t-inner, debug: { msg: x } }
      tags: [blk]
    - { name: t-none, debug: { msg: x } }
`;
    const ran = async (tags: string[], skipTags: string[] = []) => (await run(playbook, inv2, { tags, skipTags })).results('h01').map((x) => x.task);
    expect(await ran([])).toEqual(['t-a', 't-b', 't-always', 't-inner', 't-none']);
    expect(await ran(['a'])).toEqual(['t-a', 't-always']);
    expect(await ran(['blk', 'debugonly'])).toEqual(['t-always', 't-never', 't-inner']);
    expect(await ran([], ['a', 'always'])).toEqual(['t-b', 't-inner', 't-none']);
    // As in Ansible: the play's tag `p` is one of t-never's tags, so asking for it runs t-never.
    expect(await ran(['p'], ['blk'])).toEqual(['t-a', 't-b', 't-always', 't-never', 't-none']);
  });
});
