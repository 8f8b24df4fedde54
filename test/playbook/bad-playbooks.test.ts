import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, type InputProblem } from '../../src/errors/input-error.js';
import { loadPlaybook } from '../../src/playbook/load-playbook.js';

const DIR = 'test/fixtures/playbooks/bad';
/** file → every expected problem, in order, as `LINE:COL: message` (the message may be a prefix-free substring). */
const EXPECTED = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<string, string[]>;
const FIXTURES = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

function shownLine(line: string): string {
  const visible = line.replace(/\r$/, '').replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, '\ufffd');
  return visible.length > 300 ? `${visible.slice(0, 300)}…` : visible;
}

function problemsOf(file: string): InputProblem[] {
  try {
    loadPlaybook(file);
  } catch (error) {
    if (error instanceof InputError) return [...error.problems];
    throw error;
  }
  throw new Error(`${file} loaded without an error`);
}

describe('bad playbooks', () => {
  it('has at least 30 fixtures, each with its expectations', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(30);
    expect(Object.keys(EXPECTED).sort()).toEqual(FIXTURES);
  });

  it.each(FIXTURES)('%s', (name) => {
    const file = join(DIR, name);
    const problems = problemsOf(file);
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(problems.map((p) => `${p.line}:${p.col}`)).toEqual(EXPECTED[name].map((e) => /^(\d+:\d+):/.exec(e)![1]));
    problems.forEach((p, i) => {
      expect(p.message).toContain(EXPECTED[name][i].replace(/^\d+:\d+: /, ''));
      expect(p.file).toBe(file);
      // The offending line shown under the message is the file's own line (control characters
      // shown as U+FFFD, long lines cut after 300 characters).
      if (p.sourceLine !== undefined) expect(p.sourceLine).toBe(shownLine(lines[p.line - 1]));
    });
  });

  it('refuses a huge file quickly, before parsing it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpx-huge-'));
    try {
      const file = join(dir, 'huge.yaml');
      const task = '    - name: task\n      debug: {msg: "some padding to make the file grow quickly"}\n';
      writeFileSync(file, '- hosts: all\n  tasks:\n' + task.repeat(Math.ceil((11 * 1024 * 1024) / task.length)));
      const start = Date.now();
      const [problem] = problemsOf(file);
      // Refused by its size, before parsing (parsing 11 MB takes seconds, more on a loaded machine);
      // the bound only catches a parse that runs away, not a slow machine.
      expect(Date.now() - start).toBeLessThan(15_000);
      expect(problem).toMatchObject({ line: 1, col: 1 });
      expect(problem.message).toMatch(/^file is too large \(11\.0 MB\); the limit is 10\.0 MB$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an alias bomb without expanding it', () => {
    const start = Date.now();
    const [problem] = problemsOf(join(DIR, 'alias-bomb.yaml'));
    // Expanded, the bomb would take minutes and gigabytes; the bound only catches that.
    expect(Date.now() - start).toBeLessThan(15_000);
    expect(problem.message).toMatch(/alias bomb/);
  });
});
