import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, type InputProblem } from '../../src/errors/input-error.js';
import { loadYamlFile, loadYamlText, MAX_YAML_BYTES } from '../../src/schema/load-yaml.js';

function problemsOf(text: string): InputProblem[] {
  try {
    loadYamlText(text, 'f.yaml', { expected: 'a list of plays' });
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return [...(error as InputError).problems];
  }
  throw new Error('expected an InputError');
}

describe('loadYamlText', () => {
  it('parses and maps paths back to positions', () => {
    const src = loadYamlText('- hosts: all\n  tasks:\n    - name: a\n      shell: echo hi\n', 'p.yaml');
    expect(src.value).toEqual([{ hosts: 'all', tasks: [{ name: 'a', shell: 'echo hi' }] }]);
    expect(src.posOf([0, 'tasks', 0, 'shell'])).toEqual({ file: 'p.yaml', line: 4, col: 14 });
    expect(src.keyPosOf([0, 'tasks', 0, 'shell'])).toEqual({ file: 'p.yaml', line: 4, col: 7 });
    expect(src.posOf(['0', 'tasks', '0'])).toEqual({ file: 'p.yaml', line: 3, col: 7 });
    // Missing keys fall back to the deepest node that exists.
    expect(src.posOf([0, 'tasks', 0, 'nope', 3])).toEqual({ file: 'p.yaml', line: 3, col: 7 });
    expect(src.lineText(4)).toBe('      shell: echo hi');
    expect(src.lineText(99)).toBe('');
  });

  it('reads yes/no/on/off as booleans and 0644 as octal, like Ansible', () => {
    const src = loadYamlText('a: yes\nb: No\nc: on\nd: OFF\ne: y\nf: 0644\ng: 644\nh: "0644"\ni: 2.10\n', 'v.yaml');
    expect(src.value).toEqual({ a: true, b: false, c: true, d: false, e: 'y', f: 0o644, g: 644, h: '0644', i: 2.1 });
  });

  it('reports a tab-indented line once, with a clear message', () => {
    const problems = problemsOf('- hosts: all\n\ttasks: []\n');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 2, col: 1, message: 'tabs are not allowed for indentation; use spaces', sourceLine: '\ttasks: []' });
  });

  it('reports duplicate keys with the first line', () => {
    const [p] = problemsOf('- hosts: all\n  hosts: web\n');
    expect(p).toMatchObject({ line: 2, col: 3 });
    expect(p.message).toBe('duplicate key "hosts" (first set on line 1); a key may appear only once in a mapping');
  });

  it('reports all problems of a file at once, sorted', () => {
    const problems = problemsOf('a: 1\na: 2\nb:\n\t- x\nc: "open\n');
    expect(problems.length).toBeGreaterThanOrEqual(3);
    expect(problems.map((p) => p.line)).toEqual([...problems.map((p) => p.line)].sort((x, y) => x - y));
    expect(problems.some((p) => /duplicate key "a"/.test(p.message))).toBe(true);
    expect(problems.some((p) => /tabs are not allowed/.test(p.message))).toBe(true);
  });

  it.each([
    ['', /^file is empty; expected a list of plays$/],
    ['# only a comment\n\n', /^file is empty; expected a list of plays$/],
  ])('refuses an empty file %j', (text, message) => {
    expect(problemsOf(text)[0]).toMatchObject({ line: 1, col: 1, message: expect.stringMatching(message) });
  });

  it('refuses an alias bomb quickly', () => {
    const levels = ['a: &a [x,x,x,x,x,x,x,x,x,x]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `l${i}: &l${i} [${Array(10)
          .fill(i === 1 ? '*a' : `*l${i - 1}`)
          .join(',')}]`,
      );
    let p!: InputProblem;
    // CPU time, generously bounded: a bomb that expanded would take minutes.
    expect(cpuMs(() => ([p] = problemsOf(levels.join('\n') + '\n')))).toBeLessThan(3000);
    expect(p.message).toMatch(/alias bomb/);
    // The alias that takes the expansion past the limit: the eighth *l3 in l4.
    expect(p.line).toBe(5);
  });

  it('names an undefined alias', () => {
    expect(problemsOf('a: *nope\n')[0].message).toMatch(/undefined alias \*nope/);
  });

  it('refuses more than one document', () => {
    expect(problemsOf('a: 1\n---\nb: 2\n')[0]).toMatchObject({ line: 2, message: expect.stringMatching(/only one YAML document/) });
  });
});

describe('loadYamlFile', () => {
  it('refuses a missing file and a huge file with one clear problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpx-yaml-'));
    try {
      expect(() => loadYamlFile(join(dir, 'none.yaml'))).toThrow(/cannot read the file: no such file/);
      const big = join(dir, 'big.yaml');
      writeFileSync(big, 'a: ' + 'x'.repeat(MAX_YAML_BYTES) + '\n');
      expect(cpuMs(() => expect(() => loadYamlFile(big)).toThrow(/file is too large \(10\.0 MB\); the limit is 10\.0 MB/))).toBeLessThan(3000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** CPU milliseconds of `fn`: a guard against hangs, not a speed target (wall time is what a busy machine makes of it). */
function cpuMs(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}
