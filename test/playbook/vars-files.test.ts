import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolvePlayKeywords } from '../../src/engine/play-keywords.js';
import { InputError } from '../../src/errors/input-error.js';
import { loadPlaybook } from '../../src/playbook/load-playbook.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tpx-vars-files-'));
  mkdirSync(join(dir, 'vars'));
  writeFileSync(join(dir, 'vars', 'common.yml'), 'color: blue\nsize: 1\n');
  writeFileSync(join(dir, 'vars', 'prod.yml'), 'size: 3\n');
  writeFileSync(join(dir, 'vars', 'empty.yml'), '# nothing here\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(text: string): string {
  const file = join(dir, 'site.yml');
  writeFileSync(file, text);
  return file;
}

function problemsOf(file: string): string[] {
  try {
    loadPlaybook(file);
  } catch (error) {
    if (error instanceof InputError) return error.problems.map((p) => `${p.file.replace(dir, 'DIR')}:${p.line}:${p.col}: ${p.message}`);
    throw error;
  }
  return [];
}

describe('vars_files', () => {
  it('reads the files relative to the playbook, a list entry taking the first that exists', () => {
    const play = loadPlaybook(
      write(`- hosts: all
  vars_files:
    - vars/common.yml
    - [vars/missing.yml, vars/prod.yml]
    - vars/empty.yml
  tasks: []
`),
    ).plays[0];
    expect(play.varsFiles.map((f) => f.vars)).toEqual([{ color: 'blue', size: 1 }, { size: 3 }, {}]);
    expect(play.varsFiles[1].pos.line).toBe(4);
  });

  it('one path may stand alone (Ansible wraps it in a list)', () => {
    const play = loadPlaybook(write('- hosts: all\n  vars_files: vars/common.yml\n  tasks: []\n')).plays[0];
    expect(play.varsFiles.map((f) => f.vars)).toEqual([{ color: 'blue', size: 1 }]);
  });

  it('a missing file is reported at its entry, before anything runs', () => {
    expect(problemsOf(write('- hosts: all\n  vars_files:\n    - vars/nope.yml\n    - [a.yml, b.yml]\n  tasks: []\n'))).toEqual([
      `DIR/site.yml:3:7: vars_files: "vars/nope.yml" not found (relative paths are read from ${dir})`,
      `DIR/site.yml:4:7: vars_files: none of "a.yml", "b.yml" exists (relative paths are read from ${dir})`,
    ]);
  });

  it("a problem inside a vars file is reported at that file's line", () => {
    writeFileSync(join(dir, 'vars', 'bad.yml'), 'ok: 1\nbad: [unclosed\n');
    writeFileSync(join(dir, 'vars', 'list.yml'), '- a\n- b\n');
    const problems = problemsOf(write('- hosts: all\n  vars_files: [vars/bad.yml, vars/list.yml]\n  tasks: []\n')).sort();
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^DIR\/vars\/bad\.yml:\d+:\d+: /);
    expect(problems[1]).toBe('DIR/vars/list.yml:1:1: a vars file holds a mapping of variable names to values (key: value lines)');
  });

  it('a templated path is read when the run starts, rendered with play vars and -e', () => {
    const playbook = loadPlaybook(
      write(`- hosts: all
  vars: { stage: dev }
  vars_files: ["vars/{{ stage }}.yml"]
  tasks: []
`),
    );
    expect(playbook.plays[0].varsFiles[0].vars).toBeUndefined();
    const [play] = resolvePlayKeywords(playbook.plays, { stage: 'prod' });
    expect(play.varsFiles[0].vars).toEqual({ size: 3 });
    expect(play.varsFiles[0].paths).toEqual(['vars/prod.yml']);
    expect(() => resolvePlayKeywords(playbook.plays, {})).toThrow(/vars_files: "vars\/dev\.yml" not found/);
  });

  it('a templated path that needs host variables is named as not supported yet', () => {
    const playbook = loadPlaybook(write('- hosts: all\n  vars_files: ["vars/{{ ansible_os_family }}.yml"]\n  tasks: []\n'));
    expect(() => resolvePlayKeywords(playbook.plays, {})).toThrow(/paths that use host variables or facts are not supported yet/);
  });

  it('both user and remote_user on a play is an error, as in Ansible', () => {
    expect(problemsOf(write('- hosts: all\n  user: a\n  remote_user: b\n  tasks: []\n'))).toEqual([
      'DIR/site.yml:2:3: both "user" and "remote_user" are set; "user" is the older name of "remote_user", keep one',
    ]);
  });
});
