import { describe, expect, it } from 'vitest';
import { fleetInventory } from './run-harness.js';
import { trackRuns } from './track-runs.js';

const run = trackRuns();

describe('remote_user', () => {
  it('logs in as the play keyword (also its older name `user`) when no variable names a user', async () => {
    const r = await run(
      `
- hosts: h01
  remote_user: deploy
  tasks:
    - command: "true"
- hosts: h02
  user: "{{ who }}"
  vars: { who: ops }
  tasks:
    - command: "true"
`,
      fleetInventory(2),
    );
    expect(r.fleet.connectVars.get('h01')?.ansible_user).toBe('deploy');
    expect(r.fleet.connectVars.get('h02')?.ansible_user).toBe('ops');
  });

  it('an ansible_user variable wins over the keyword, as in Ansible', async () => {
    const r = await run(
      `
- hosts: h01
  remote_user: deploy
  tasks:
    - command: "true"
`,
      fleetInventory(1, { ansible_user: 'admin' }),
    );
    expect(r.fleet.connectVars.get('h01')?.ansible_user).toBe('admin');
  });

  it('a task asking for another user logs in anew, and keeps the earlier login (and its lock) open to the end', async () => {
    const r = await run(
      `
- hosts: h01
  remote_user: first
  tasks:
    - command: "true"
    - command: "true"
    - command: "true"
      remote_user: second
- hosts: h01
  remote_user: first
  tasks:
    - command: "true"
`,
      fleetInventory(1),
    );
    const conns = r.fleet.connections.get('h01') ?? [];
    // first, second, then first's connection again: one login per user, none let go at a switch.
    expect(conns).toHaveLength(2);
    expect(r.fleet.connectVars.get('h01')?.ansible_user).toBe('second');
    const kinds = r.fleet.calls.filter((c) => c.host === 'h01').map((c) => c.kind);
    expect(kinds.indexOf('close')).toBeGreaterThan(kinds.lastIndexOf('exec'));
    expect(conns.every((c) => c.closed)).toBe(true);
    expect(r.outcome.stats.h01.changed).toBe(4);
  });

  it('a task or loop variable named `user` does not make tpx log in again', async () => {
    const r = await run(
      `
- hosts: h01
  remote_user: deploy
  tasks:
    - command: "true"
    - command: "true"
      vars: { user: alice }
    - command: "true"
      loop: [a, b]
      loop_control: { loop_var: user }
`,
      fleetInventory(1),
    );
    expect(r.fleet.connections.get('h01')).toHaveLength(1);
  });
});

describe("ansible.cfg's become defaults", () => {
  it('apply below the ansible_become variables and the keywords', async () => {
    const r = await run(
      `
- hosts: web
  tasks:
    - name: config default
      command: "true"
      when: inventory_hostname == 'h01'
    - name: keyword wins
      command: "true"
      become: false
`,
      fleetInventory(2),
      { becomeDefaults: { become: true, becomeUser: 'deploy' } },
    );
    const execs = r.fleet.calls.filter((c) => c.host === 'h01' && c.kind === 'exec' && /\btrue\b/.test(c.command ?? ''));
    expect(execs.map((c) => [c.become, c.becomeUser])).toEqual([
      [true, 'deploy'],
      [false, undefined],
    ]);
  });
});

describe('environment', () => {
  it('exports play, block and task environments to the command, the inner name winning', async () => {
    const r = await run(
      `
- hosts: h01
  environment: { COLOR: blue, SHAPE: round }
  vars: { size: 3 }
  tasks:
    - block:
        - shell: echo "$COLOR $SHAPE $SIZE $FLAG" > out
          environment: { SHAPE: square, FLAG: true }
      environment: { SIZE: "{{ size * 2 }}" }
`,
      fleetInventory(1),
    );
    expect(r.fleet.readHostFile('h01', 'out')).toBe('blue square 6 True\n');
  });

  it('a template that renders to a mapping works; one that does not fails the task and says why', async () => {
    const r = await run(
      `
- hosts: h01
  vars: { proxy_env: { http_proxy: "http://127.0.0.1:3128" }, text: plain }
  tasks:
    - shell: echo "$http_proxy" > out
      environment: "{{ proxy_env }}"
    - name: bad
      shell: "true"
      environment: "{{ text }}"
`,
      fleetInventory(1),
    );
    expect(r.fleet.readHostFile('h01', 'out')).toBe('http://127.0.0.1:3128\n');
    const bad = r.result('h01', 'bad');
    expect(bad?.status).toBe('failed');
    expect(bad?.msg).toContain('environment must be a mapping');
  });

  it('values are quoted: nothing in a value is run by the shell', async () => {
    const r = await run(
      `
- hosts: h01
  tasks:
    - shell: printf '%s' "$V" > out
      environment: { V: "$(touch pwned); 'q' \\"d\\" \`x\`" }
`,
      fleetInventory(1),
    );
    expect(r.fleet.readHostFile('h01', 'out')).toBe(`$(touch pwned); 'q' "d" \`x\``);
    expect(r.fleet.readHostFile('h01', 'pwned')).toBeUndefined();
  });
});
