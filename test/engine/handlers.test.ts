import { describe, expect, it } from 'vitest';
import { fleetInventory } from './run-harness.js';
import { trackRuns } from './track-runs.js';

const run = trackRuns();

describe('notify and handlers', () => {
  it('run once per host at the end of the play, only for hosts that changed, in definition order, with listen', async () => {
    const r = await run(
      `
- hosts: web
  tasks:
    - name: change on h01
      command: echo x
      changed_when: inventory_hostname == 'h01'
      notify: [restart b, restart a]
    - name: change again
      command: echo y
      notify: restart a
      when: inventory_hostname == 'h01'
    - name: topic
      command: echo z
      changed_when: inventory_hostname == 'h02'
      notify: web services
    - name: last task
      command: "true"
  handlers:
    - name: restart a
      shell: echo a >> handlers.log
    - name: restart b
      shell: echo b >> handlers.log
    - name: by topic
      shell: echo topic >> handlers.log
      listen: web services
`,
      fleetInventory(2),
    );
    expect(r.fleet.readHostFile('h01', 'handlers.log')).toBe('a\nb\n');
    expect(r.fleet.readHostFile('h02', 'handlers.log')).toBe('topic\n');
    const order = r.order();
    expect(order.indexOf('h01:restart a')).toBeGreaterThan(order.indexOf('h01:last task'));
  });

  it('pre_tasks, tasks and post_tasks each flush their handlers before the next section, in both strategies', async () => {
    for (const strategy of ['linear', 'free']) {
      const r = await run(
        `
- hosts: web
  strategy: ${strategy}
  pre_tasks:
    - name: pre
      shell: echo pre >> s-${strategy}.log
      notify: h
  tasks:
    - name: main
      shell: echo main >> s-${strategy}.log
      notify: h
  post_tasks:
    - name: post
      shell: echo post >> s-${strategy}.log
      notify: h
  handlers:
    - name: h
      shell: echo handler >> s-${strategy}.log
`,
        fleetInventory(2),
      );
      for (const host of ['h01', 'h02'])
        expect(r.fleet.readHostFile(host, `s-${strategy}.log`), `${strategy} ${host}`).toBe('pre\nhandler\nmain\nhandler\npost\nhandler\n');
    }
  });

  it('a host that fails in pre_tasks runs neither its handlers nor the later sections', async () => {
    const r = await run(
      `
- hosts: web
  pre_tasks:
    - name: pre
      shell: echo pre >> p.log
      notify: h
    - name: fail h02
      command: "false"
      when: inventory_hostname == 'h02'
  tasks:
    - name: main
      shell: echo main >> p.log
  handlers:
    - name: h
      shell: echo handler >> p.log
`,
      fleetInventory(2),
    );
    expect(r.fleet.readHostFile('h01', 'p.log')).toBe('pre\nhandler\nmain\n');
    expect(r.fleet.readHostFile('h02', 'p.log')).toBe('pre\n');
  });

  it('a failed host does not run its handlers; a handler may notify a later one', async () => {
    const r = await run(
      `
- hosts: web
  tasks:
    - name: change
      command: echo x
      notify: first
    - name: fail h02
      command: "false"
      when: inventory_hostname == 'h02'
  handlers:
    - name: first
      shell: echo first >> h.log
      notify: second
    - name: second
      shell: echo second >> h.log
`,
      fleetInventory(2),
    );
    expect(r.fleet.readHostFile('h01', 'h.log')).toBe('first\nsecond\n');
    expect(r.fleet.readHostFile('h02', 'h.log')).toBeUndefined();
  });

  it('with serial, handlers run at the end of each batch', async () => {
    const r = await run(
      `
- hosts: web
  serial: 1
  tasks:
    - name: change
      command: echo x
      notify: h
  handlers:
    - name: h
      command: "true"
`,
      fleetInventory(2),
    );
    expect(r.order()).toEqual(['h01:change', 'h01:h', 'h02:change', 'h02:h']);
  });
});

describe('run_once', () => {
  it('runs on the first host of the batch and applies its result to all', async () => {
    const r = await run(
      `
- hosts: web
  serial: 2
  tasks:
    - name: once
      shell: echo "ran on {{ inventory_hostname }}" >> once.log; echo {{ inventory_hostname }}
      register: o
      run_once: true
    - name: fact once
      set_fact: { leader: "{{ inventory_hostname }}" }
      run_once: true
    - name: show
      debug: { msg: "{{ o.stdout }} {{ leader }}" }
`,
      fleetInventory(4),
    );
    expect(r.fleet.readHostFile('h01', 'once.log')).toBe('ran on h01\n');
    expect(r.fleet.readHostFile('h02', 'once.log')).toBeUndefined();
    expect(r.fleet.readHostFile('h03', 'once.log')).toBe('ran on h03\n');
    expect(r.result('h02', 'show')?.msg).toBe('h01 h01');
    expect(r.result('h04', 'show')?.msg).toBe('h03 h03');
    expect(r.fleet.calls.filter((c) => c.command?.includes('once.log'))).toHaveLength(2);
  });

  it('a failed run_once task fails every host of the batch', async () => {
    const r = await run(
      `
- hosts: web
  tasks:
    - name: once
      command: "false"
      run_once: true
    - command: touch next
`,
      fleetInventory(3),
    );
    expect(r.outcome.stats.h03.failed).toBe(1);
    expect(r.fleet.readHostFile('h02', 'next')).toBeUndefined();
    expect(r.outcome.exitCode).toBe(2);
  });
});
