import { afterEach, describe, expect, it } from 'vitest';
import { runYaml, type HarnessRun } from './run-harness.js';

const runs: HarnessRun[] = [];
afterEach(() => {
  for (const r of runs.splice(0)) r.fleet.cleanup();
});
async function run(...args: Parameters<typeof runYaml>): Promise<HarnessRun> {
  const r = await runYaml(...args);
  runs.push(r);
  return r;
}

const inventory = `
all:
  vars: { level: group_all, from_group: g, only_inventory: inv }
  children:
    web:
      vars: { level: group_web }
      hosts:
        h01: { level: host }
        h02: {}
    db:
      hosts:
        h03: { level: host }
`;

describe('variable precedence (lowest first: group, host, play, block, task, register/set_fact, -e)', () => {
  const cases: { name: string; play: string; extra?: Record<string, unknown>; host: string; expected: string }[] = [
    { name: 'group all', play: '', host: 'h03', expected: 'host' },
    { name: 'child group over all', play: '', host: 'h02', expected: 'group_web' },
    { name: 'host over group', play: '', host: 'h01', expected: 'host' },
    { name: 'play over host', play: 'vars: { level: play }', host: 'h01', expected: 'play' },
    { name: '-e over play', play: 'vars: { level: play }', extra: { level: 'extra' }, host: 'h01', expected: 'extra' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const r = await run(
        `
- hosts: all
  ${c.play}
  tasks:
    - name: show
      debug: { msg: "{{ level }}" }
`,
        inventory,
        { extraVars: c.extra ?? {} },
      );
      expect(r.result(c.host, 'show')?.msg).toBe(c.expected);
    });
  }

  it('block over play, task over block, set_fact over task, -e over set_fact', async () => {
    const r = await run(
      `
- hosts: h01
  vars: { a: play, b: play, c: play, d: play }
  tasks:
    - block:
        - name: in block
          debug: { msg: "{{ a }} {{ b }}" }
          vars: { b: task }
      vars: { a: block, b: block }
    - set_fact: { c: fact, d: fact }
    - name: after fact
      debug: { msg: "{{ c }} {{ d }}" }
      vars: { c: task }
`,
      inventory,
      { extraVars: { d: 'extra' } },
    );
    expect(r.result('h01', 'in block')?.msg).toBe('block task');
    expect(r.result('h01', 'after fact')?.msg).toBe('fact extra');
  });

  it('registered results outlive the play and beat play vars of a later play', async () => {
    const r = await run(
      `
- hosts: h01
  tasks:
    - name: reg
      command: echo first
      register: out
- hosts: h01
  vars: { out: { stdout: play } }
  tasks:
    - name: show
      debug: { msg: "{{ out.stdout }}" }
`,
      inventory,
    );
    expect(r.result('h01', 'show')?.msg).toBe('first');
  });
});

describe('lazy templating of variables', () => {
  it('renders a variable that refers to others when used, with later overrides', async () => {
    const r = await run(
      `
- hosts: h01
  vars:
    dir: "/opt/{{ name }}"
    path: "{{ dir }}/bin"
    name: kuma
    unused: "{{ does_not_exist }}"
  tasks:
    - name: show
      debug: { msg: "{{ path }}" }
      vars: { name: mesh }
`,
      inventory,
    );
    expect(r.result('h01', 'show')?.msg).toBe('/opt/mesh/bin');
    expect(r.outcome.exitCode).toBe(0);
  });

  it('a recursive definition fails the task with a message naming the loop', async () => {
    const r = await run(
      `
- hosts: h01
  vars: { a: "{{ b }}", b: "{{ a }}" }
  tasks:
    - name: show
      debug: { msg: "{{ a }}" }
`,
      inventory,
    );
    const res = r.result('h01', 'show');
    expect(res?.status).toBe('failed');
    expect(res?.msg).toMatch(/recursive loop in variables: (a -> b -> a|b -> a -> b)/);
  });

  it('an undefined variable fails the task naming the variable, the task and the host', async () => {
    const r = await run(
      `
- hosts: web
  vars: { kumactl: "/opt/{{ kuma_versoin }}/kumactl" }
  tasks:
    - name: install
      command: "{{ kumactl }} install"
`,
      inventory,
    );
    const res = r.result('h02', 'install');
    expect(res?.status).toBe('failed');
    expect(res?.msg).toContain('undefined variable "kuma_versoin"');
    expect(res?.msg).toContain('"install"');
    expect(res?.msg).toContain('h02');
    expect(r.outcome.exitCode).toBe(2);
    expect(r.fleet.calls.filter((c) => c.kind === 'exec')).toHaveLength(0);
  });

  it('`is defined` is false for a variable that cannot be rendered', async () => {
    const r = await run(
      `
- hosts: h01
  vars: { a: "{{ missing }}" }
  tasks:
    - name: show
      debug: { msg: "{{ 'yes' if a is defined else 'no' }}" }
`,
      inventory,
    );
    expect(r.result('h01', 'show')?.msg).toBe('no');
  });
});

describe('magic variables', () => {
  it('inventory_hostname, group_names, groups, play hosts, check mode', async () => {
    const r = await run(
      `
- hosts: web
  tasks:
    - name: show
      debug:
        msg: "{{ inventory_hostname }}|{{ inventory_hostname_short }}|{{ group_names | join(',') }}|{{ groups['web'] | join(',') }}|{{ groups['all'] | length }}|{{ ansible_play_hosts | join(',') }}|{{ ansible_play_batch | length }}|{{ ansible_check_mode }}"
`,
      inventory,
    );
    expect(r.result('h01', 'show')?.msg).toBe('h01|h01|web|h01,h02|3|h01,h02|2|False');
  });

  it("hostvars exposes other hosts' inventory vars and registered results", async () => {
    const r = await run(
      `
- hosts: all
  tasks:
    - name: reg
      shell: echo "v-{{ inventory_hostname }}"
      register: ver
    - name: peek
      debug: { msg: "{{ hostvars['h03'].ver.stdout }} {{ hostvars['h01'].level }} {{ hostvars.h02.only_inventory }}" }
`,
      inventory,
    );
    expect(r.result('h02', 'peek')?.msg).toBe('v-h03 host inv');
  });

  it('the connection receives the host variables, rendered', async () => {
    const r = await run(
      `
- hosts: h01
  vars: { port: "{{ 2000 + 22 }}" }
  tasks:
    - command: "true"
`,
      inventory,
      { extraVars: { user: 'ops' } },
    );
    expect(r.fleet.connectVars.get('h01')).toMatchObject({ port: 2022, user: 'ops', level: 'host' });
  });
});

describe('undefined values that reach a module', () => {
  it('debug var of a variable that cannot render shows it as not defined, as Ansible does', async () => {
    const r = await run(
      `
- hosts: h01
  vars: { a: "{{ nope }}" }
  tasks:
    - name: show a
      debug: { var: a }
`,
      inventory,
    );
    expect(r.result('h01', 'show a')).toMatchObject({ status: 'ok', msg: 'a: VARIABLE IS NOT DEFINED!' });
  });
});
