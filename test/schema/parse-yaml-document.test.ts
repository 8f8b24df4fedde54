import { describe, expect, it } from 'vitest';
import { InputError, type InputProblem } from '../../src/errors/input-error.js';
import { loadYamlText } from '../../src/schema/load-yaml.js';
import { MAX_YAML_DEPTH, parseYamlDocument } from '../../src/schema/parse-yaml-document.js';

function problemsOf(text: string): readonly InputProblem[] {
  try {
    loadYamlText(text, 'f.yaml');
  } catch (error) {
    if (error instanceof InputError) return error.problems;
    throw error;
  }
  throw new Error('expected an InputError');
}

/** CPU milliseconds of `fn` (wall time is what a busy machine makes of it). */
function cpuMs(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

// Each of these hung, crashed or took minutes before the fuzzer (test/fuzz) found it.
describe('parseYamlDocument and loadYamlText on hostile input', () => {
  it.each([
    ['flow lists', '['.repeat(10_000)],
    ['block lists on one line', '- '.repeat(10_000) + 'x'],
    ['implicit keys', 'a: ' + ': '.repeat(50_000) + 'x'],
    ['flow mappings', '{a: '.repeat(10_000)],
  ])('stops at %s nested thousands deep, before the parser recurses', (_name, text) => {
    const parsed = parseYamlDocument(text, {});
    expect('tooDeepAt' in parsed && parsed.tooDeepAt).toBeGreaterThan(0);
    expect(problemsOf(text)[0].message).toBe(`refused: lists and mappings nested more than ${MAX_YAML_DEPTH} levels deep`);
  });

  it('accepts nesting within the limit', () => {
    const text = '['.repeat(MAX_YAML_DEPTH - 5) + ']'.repeat(MAX_YAML_DEPTH - 5);
    expect('doc' in parseYamlDocument(text, {})).toBe(true);
  });

  it('finds duplicate keys of a 40,000-key mapping in linear time', () => {
    const text = Array.from({ length: 40_000 }, (_, i) => `k${i}: ${i}`).join('\n') + '\nk7: again\n';
    let problems: readonly InputProblem[] = [];
    expect(cpuMs(() => (problems = problemsOf(text)))).toBeLessThan(3000);
    expect(problems).toMatchObject([{ line: 40_001, col: 1, message: 'duplicate key "k7" (first set on line 8); a key may appear only once in a mapping' }]);
  });

  it('lists 100 problems of a megabyte of garbage, then how many more, quickly', () => {
    let problems: readonly InputProblem[] = [];
    expect(cpuMs(() => (problems = problemsOf('"'.repeat(1_000_000))))).toBeLessThan(3000);
    expect(problems).toHaveLength(101);
    expect(problems[100].message).toMatch(/^and \d{6} more problems in this file from here on/);
    // The source line shown is cut, not a megabyte long.
    expect(problems[0].sourceLine!.length).toBeLessThanOrEqual(301);
  });

  it('reports one problem for a broken document, not one per token after it', () => {
    const problems = problemsOf('- name: first\n  hosts: [web,\n    db]\n\tserial: 2\n  tasks:\n    - x: 1\n');
    expect(problems.map((p) => `${p.line}:${p.col}: ${p.message}`)).toEqual(['4:1: tabs are not allowed for indentation; use spaces']);
  });

  it('refuses control characters before parsing, one per line', () => {
    const problems = problemsOf('a: "x\u0000"\nb: \u001b[31m\n');
    expect(problems.map((p) => [p.line, p.col])).toEqual([
      [1, 6],
      [2, 4],
    ]);
    expect(problems[1].message).toMatch(/^the control character U\+001B is not allowed in YAML/);
  });
});
