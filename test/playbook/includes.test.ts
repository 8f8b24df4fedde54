import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/input-error.js';
import { loadPlaybook } from '../../src/playbook/load-playbook.js';
import type { Block, Task, TaskNode } from '../../src/playbook/types.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tpx-includes-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function files(tree: Record<string, string>): string {
  for (const [path, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return join(dir, 'site.yml');
}

function problemsOf(file: string): string[] {
  try {
    loadPlaybook(file);
  } catch (error) {
    if (error instanceof InputError)
      return error.problems.map((p) => `${p.file.replace(`${dir}/`, '')}:${p.line}:${p.col}: ${p.message.replaceAll(dir, 'DIR')}`);
    throw error;
  }
  return [];
}

const names = (nodes: readonly TaskNode[]): string[] =>
  nodes.flatMap((n) => (n.kind === 'task' ? [n.name ?? n.module] : [`[${n.include ? 'include' : 'block'}]`, ...names(n.block)]));

describe('roles and task files', () => {
  it('a task of an imported file keeps its own module key position and line', () => {
    const play = loadPlaybook(
      files({
        'site.yml': '- hosts: all\n  tasks:\n    - import_tasks: tasks/checks.yml\n',
        'tasks/checks.yml': '- name: first\n  debug: {msg: a}\n\n- name: second\n  assert:\n    that: [true]\n',
      }),
    ).plays[0];
    const second = (play.tasks[0] as Block).block[1] as Task;
    expect(second.modulePos).toEqual({ file: join(dir, 'tasks/checks.yml'), line: 5, col: 3, text: '  assert:' });
    // A playbook named relative to the working directory: its imported files are named so too.
    const relativeSite = relative(process.cwd(), join(dir, 'site.yml'));
    const viaRelative = loadPlaybook(relativeSite).plays[0];
    expect(((viaRelative.tasks[0] as Block).block[1] as Task).modulePos.file).toBe(join(dirname(relativeSite), 'tasks', 'checks.yml'));
  });

  it('puts roles (dependencies first, each once) between pre_tasks and tasks, with their handlers first', () => {
    const play = loadPlaybook(
      files({
        'site.yml':
          '- hosts: all\n  pre_tasks: [{name: pre, debug: {msg: a}}]\n  roles: [base, {role: app, port: 80}]\n  tasks: [{name: own, debug: {msg: b}}]\n  handlers: [{name: play handler, debug: {msg: h}}]\n',
        'roles/base/tasks/main.yml': '- name: base task\n  debug: {msg: "{{ base_word }}"}\n',
        'roles/base/defaults/main.yml': 'base_word: hello\n',
        'roles/base/handlers/main.yml': '- name: restart base\n  debug: {msg: r}\n',
        'roles/app/meta/main.yml': 'dependencies: [base]\n',
        'roles/app/vars/main.yml': 'app_word: hi\n',
        'roles/app/tasks/main.yml': '- name: app task\n  copy: {src: app.conf, dest: /tmp/app.conf}\n  notify: "base : restart base"\n',
      }),
    ).plays[0];
    expect(names(play.preTasks)).toEqual(['pre']);
    expect(names(play.tasks)).toEqual(['[block]', 'base task', '[block]', 'app task', 'own']);
    expect((play.tasks[1] as Block).vars).toEqual({ port: 80 });
    expect(play.handlers.map((h) => h.name)).toEqual(['restart base', 'play handler']);
    expect(play.roleDefaults).toEqual({ base_word: 'hello' });
    expect(play.roleVars).toEqual({ app_word: 'hi' });
    const appTask = (play.tasks[1] as Block).block[0] as Task;
    expect(appTask).toMatchObject({ role: 'app', roleDir: join(dir, 'roles', 'app') });
    expect(appTask.pos).toMatchObject({ file: join(dir, 'roles/app/tasks/main.yml'), line: 1 });
  });

  it('import_tasks is a block with the keywords; include_tasks is marked dynamic, with its loop', () => {
    const play = loadPlaybook(
      files({
        'site.yml':
          '- hosts: all\n  tasks:\n    - import_tasks: more.yml\n      when: x\n    - include_tasks: {file: more.yml}\n      loop: [1, 2]\n      loop_control: {loop_var: n}\n',
        'more.yml': '- name: inner\n  debug: {msg: "{{ n | default(0) }}"}\n',
      }),
    ).plays[0];
    const [imported, included] = play.tasks as Block[];
    expect(imported).toMatchObject({ kind: 'block', when: ['x'] });
    expect(imported.include).toBeUndefined();
    expect(included.include).toEqual({ action: 'include_tasks', what: 'more.yml', loop: [1, 2], loopVar: 'n' });
    expect(names(included.block)).toEqual(['inner']);
  });

  it('reports problems in pulled-in files at their own lines, all at once', () => {
    expect(
      problemsOf(
        files({
          'site.yml':
            '- hosts: all\n  roles: [missing, broken]\n  tasks:\n    - import_tasks: nope.yml\n    - include_tasks: "{{ f }}.yml"\n    - import_tasks: loop.yml\n      loop: [1]\n',
          'roles/broken/tasks/main.yml': '- name: bad\n  shel: ls\n',
          'loop.yml': '- debug: {msg: a}\n',
        }),
      ),
    ).toEqual([
      `roles/broken/tasks/main.yml:2:3: unknown module "shel"; did you mean "shell"?`,
      `site.yml:2:11: role "missing" not found; looked in ${['DIR/roles/missing', ...expectLooked(), 'DIR/missing'].join(', ')} (roles_path in ansible.cfg or ANSIBLE_ROLES_PATH add places)`,
      'site.yml:4:7: import_tasks: "nope.yml" not found; looked for DIR/nope.yml',
      'site.yml:5:7: include_tasks: a file path written as a template is not supported yet; write the path',
      'site.yml:6:7: import_tasks cannot loop (it is read when the playbook loads); use include_tasks to loop',
    ]);
  });

  it('an import loop and a playbook importing itself are reported, not followed', () => {
    expect(
      problemsOf(
        files({ 'site.yml': '- hosts: all\n  tasks: [{import_tasks: a.yml}]\n', 'a.yml': '- import_tasks: b.yml\n', 'b.yml': '- import_tasks: a.yml\n' }),
      ),
    ).toEqual(['b.yml:1:3: DIR/a.yml includes itself: DIR/a.yml → DIR/b.yml → DIR/a.yml']);
    expect(problemsOf(files({ 'site.yml': '- import_playbook: other.yml\n', 'other.yml': '- import_playbook: site.yml\n' }))).toEqual([
      'other.yml:1:3: import_playbook: DIR/site.yml imports itself: DIR/site.yml → DIR/other.yml → DIR/site.yml',
    ]);
  });

  it('a notify in a role may name a play handler and the other way round; a wrong one is found', () => {
    const tree = {
      'site.yml': '- hosts: all\n  roles: [r]\n  tasks: [{debug: {msg: a}, notify: r handler}]\n  handlers: [{name: play handler, debug: {msg: h}}]\n',
      'roles/r/tasks/main.yml': '- debug: {msg: a}\n  notify: [play handler, nope]\n',
      'roles/r/handlers/main.yml': '- name: r handler\n  debug: {msg: r}\n',
    };
    expect(problemsOf(files(tree))).toEqual(['roles/r/tasks/main.yml:2:26: notify names the handler "nope", which this play does not have']);
  });

  it('import_playbook brings the plays of another file, with its vars and tags', () => {
    const playbook = loadPlaybook(
      files({
        'site.yml': '- import_playbook: sub/other.yml\n  vars: {a: 1}\n  tags: [t]\n- hosts: all\n  tasks: []\n',
        'sub/other.yml': '- hosts: all\n  vars: {b: 2}\n  vars_files: [v.yml]\n  tasks: []\n',
        'sub/v.yml': 'c: 3\n',
      }),
    );
    expect(playbook.plays).toHaveLength(2);
    expect(playbook.plays[0]).toMatchObject({ vars: { a: 1, b: 2 }, tags: ['t'] });
    expect(playbook.plays[0].varsFiles[0].vars).toEqual({ c: 3 });
  });
});

/** ANSIBLE_ROLES_PATH or Ansible's default roles path, as the role finder reads it. */
function expectLooked(): string[] {
  const configured = process.env.ANSIBLE_ROLES_PATH?.split(':').filter(Boolean) ?? ['~/.ansible/roles', '/usr/share/ansible/roles', '/etc/ansible/roles'];
  return configured.map((base) => join(base.replace(/^~/, process.env.HOME ?? ''), 'missing'));
}

describe('include fan-out', () => {
  it('stops a playbook whose imports fan out, and says so, in bounded time', () => {
    const tree: Record<string, string> = { 'site.yml': '- hosts: all\n  tasks: [{import_tasks: f0.yml}]\n' };
    for (let i = 0; i < 20; i++) tree[`f${i}.yml`] = `- import_tasks: f${i + 1}.yml\n- import_tasks: f${i + 1}.yml\n`;
    tree['f20.yml'] = '- debug: {msg: leaf}\n';
    const started = Date.now();
    const problems = problemsOf(files(tree));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/pulls in task files more than 10000 times/);
    // 2^20 reads without the cap; a few seconds at most with it, even on a loaded machine.
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
