import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/input-error.js';
import { loadPlaybook, loadPlaybookText } from '../../src/playbook/load-playbook.js';
import { countTasks } from '../../src/playbook/normalise-play.js';
import type { Block, Task } from '../../src/playbook/types.js';

const GOOD = 'test/fixtures/playbooks/good';

describe('good playbooks', () => {
  it.each(readdirSync(GOOD).filter((f) => f.endsWith('.yaml')))('%s loads', (name) => {
    const playbook = loadPlaybook(join(GOOD, name));
    expect(playbook.plays.length).toBeGreaterThan(0);
    expect(Object.isFrozen(playbook)).toBe(true);
  });
});

describe('normalisation', () => {
  const playbook = loadPlaybook(join(GOOD, 'rolling-upgrade.yaml'));
  const [play] = playbook.plays;
  const task = (i: number) => play.tasks[i] as Task;

  it('keeps play keywords, with positions', () => {
    expect(play).toMatchObject({
      name: 'Upgrade the transparent proxy',
      hosts: 'canary:fleet:!retired',
      become: true,
      serial: [1, '25%', '100%'],
      maxFailPercentage: 0,
      anyErrorsFatal: false,
      strategy: 'linear',
      tags: ['upgrade'],
      pos: { file: join(GOOD, 'rolling-upgrade.yaml'), line: 2, col: 3 },
    });
    expect(play.vars).toMatchObject({ kuma_version: '2.10.1', install_timeout: 120 });
    expect(countTasks(playbook)).toBe(14);
  });

  it('turns conditions into lists of expressions (yes/no are booleans)', () => {
    expect(task(0)).toMatchObject({
      module: 'command',
      args: { _raw_params: '{{ kumactl }} version' },
      register: 'installed',
      changedWhen: ['false'],
      failedWhen: ['installed.rc not in [0, 127]'],
      checkMode: false,
      when: [],
      loopVar: 'item',
      notify: [],
      pos: { line: 16, col: 7 },
      modulePos: { line: 17, col: 7 },
    });
  });

  it('keeps blocks with rescue and always, and their own keywords (not merged into tasks)', () => {
    const block = play.tasks[2] as Block;
    expect(block.kind).toBe('block');
    expect(block.when).toEqual(['installed.rc == 0', "installed.stdout is version(kuma_version, '<')"]);
    expect(block.block.map((t) => (t as Task).module)).toEqual(['shell', 'command']);
    expect(block.rescue.map((t) => (t as Task).module)).toEqual(['shell', 'fail']);
    expect(block.always.map((t) => (t as Task).module)).toEqual(['debug']);
    const install = block.block[1] as Task;
    expect(install.when).toEqual([]);
    expect(install.args).toEqual({ argv: ['{{ kumactl }}', 'install', 'transparent-proxy', '--redirect-dns'] });
    expect(install.timeout).toBeUndefined();
    expect(install.templated).toEqual({ timeout: '{{ install_timeout }}' });
    expect(install.notify).toEqual(['verify rules']);
  });

  it('resolves ansible.builtin names to the module name', () => {
    const backup = (play.tasks[2] as Block).block[0] as Task;
    expect(backup.module).toBe('shell');
    expect(backup.modulePos).toMatchObject({ line: 34, col: 11 });
  });

  it('accepts ansible.legacy names as Ansible does, and no other collection', () => {
    const pb = loadPlaybookText(
      '- hosts: all\n  tasks:\n    - ansible.legacy.shell: echo hi\n    - ansible.legacy.copy: {content: x, dest: /tmp/x}\n',
      'legacy.yaml',
    );
    expect(pb.plays[0].tasks.map((t) => (t as Task).module)).toEqual(['shell', 'copy']);
    expect(() => loadPlaybookText('- hosts: all\n  tasks:\n    - community.general.shell: echo hi\n', 'other.yaml')).toThrow(InputError);
  });

  it('keeps retries, delay, loop, loop_var, modes and set_fact values', () => {
    expect(task(3)).toMatchObject({ until: ['ready.rc == 0'], retries: 5, delay: 2, ignoreErrors: true, noLog: false });
    expect(task(4)).toMatchObject({ module: 'file', args: { mode: 0o700, follow: false }, runOnce: true });
    expect(task(5).args).toMatchObject({ mode: '0644', backup: true });
    expect(task(6).args).toEqual({ needs_flush: '{{ legacy.stdout | int > 0 }}' });
    expect(task(8)).toMatchObject({ loop: ['2.8.3', '2.9.2'], loopVar: 'v' });
  });

  it('reads handlers with listen topics', () => {
    expect(play.handlers).toHaveLength(1);
    expect(play.handlers[0]).toMatchObject({ name: 'Verify the rules', listen: ['verify rules'], module: 'shell' });
  });

  it('freezes everything, down to module arguments', () => {
    const install = (play.tasks[2] as Block).block[1] as Task;
    expect(Object.isFrozen(play.tasks)).toBe(true);
    expect(Object.isFrozen(install.args)).toBe(true);
    expect(Object.isFrozen(install.args.argv)).toBe(true);
    expect(() => {
      (install.args.argv as string[]).push('x');
    }).toThrow(TypeError);
  });

  it('normalises free forms, defaults, lists of hosts and templated play keywords', () => {
    const pb = loadPlaybook(join(GOOD, 'several-plays.yaml'));
    const [first, second] = pb.plays;
    expect(first).toMatchObject({ name: 'first', hosts: 'web,db', serial: [2], strategy: 'free' });
    const t = first.tasks as Task[];
    expect(t[0].args).toEqual({ _raw_params: 'files/detect.sh --json "{{ out_dir }}"' });
    expect(t[1].args).toMatchObject({ src: 'kuma.tar.gz', extra_opts: ['--strip-components=1'] });
    expect(t[2].args).toEqual({ cmd: 'files/check.sh --quick', chdir: '/tmp', creates: '/tmp/done' });
    expect(t[3]).toMatchObject({ module: 'fail', args: {}, when: ['false'] });
    expect(t[4]).toMatchObject({ module: 'debug', args: {} });
    expect(second).toMatchObject({ name: 'all', strategy: 'linear', anyErrorsFatal: false, tasks: [], handlers: [] });
    expect(second.maxFailPercentage).toBeUndefined();
    expect(second.templated).toEqual({ max_fail_percentage: '{{ budget }}' });
  });

  it('merges the args keyword under the free form, and splits comma-separated tags', () => {
    const pb = loadPlaybookText('- hosts: all\n  tasks:\n    - command: ls -l\n      args: {chdir: /tmp}\n      tags: "a, b"\n', 'x.yaml');
    expect(pb.plays[0].tasks[0]).toMatchObject({ args: { chdir: '/tmp', _raw_params: 'ls -l' }, tags: ['a', 'b'] });
  });
});

describe('module parameter checks', () => {
  it.each([
    ['    - command: {cmd: ls, argv: [ls]}\n', 3, 26, /^command: give one of a free-form command, 'cmd' or 'argv'/],
    ['    - debug: {msg: a, var: b}\n', 3, 23, /^debug: give either 'msg' or 'var', not both/],
    ['    - set_fact: "a=1 -"\n', 3, 7, /^set_fact: '-' is not a name=value pair/],
  ])("reports the module's own check of %j at the parameter", (task, line, col, message) => {
    try {
      loadPlaybookText(`- hosts: all\n  tasks:\n${task}`, 'm.yaml');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).problems).toHaveLength(1);
      expect((error as InputError).problems[0]).toMatchObject({ line, col, message: expect.stringMatching(message) });
    }
  });

  it('leaves templated arguments to run time', () => {
    expect(() => loadPlaybookText('- hosts: all\n  tasks:\n    - debug: {msg: "{{ a }}", var: b}\n', 'm.yaml')).not.toThrow();
  });
});

describe('all problems at once', () => {
  it('reports schema, module, template and reference problems of one file together', () => {
    const text = [
      '- hosts: all',
      '  serial: "half"',
      '  tasks:',
      '    - shell: echo {{ x',
      '      command: ls',
      '    - debug: {msg: hi}',
      '      when: a ==',
      '      notify: nothing',
      '    - name: nothing to do',
    ].join('\n');
    try {
      loadPlaybookText(text, 'multi.yaml');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      const got = (error as InputError).problems.map((p) => `${p.line}:${p.col}`);
      expect(got).toEqual(['2:11', '4:19', '5:7', '7:17', '8:15', '9:7']);
    }
  });
});
