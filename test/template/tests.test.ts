import { describe, expect, it } from 'vitest';
import { TEST_NAMES } from '../../src/template/catalog.js';
import { TemplateRenderError } from '../../src/template/errors.js';
import { evaluateExpression } from '../../src/template/render.js';

const vars = {
  ver: '2.9.3',
  s: 'Hello',
  n: null,
  i: 4,
  f: 1.5,
  b: true,
  l: [1, 2, 3],
  d: { a: 1 },
  ok: { rc: 0, changed: false, failed: false },
  bad: { rc: 1, changed: true, failed: true },
  skip: { changed: false, skipped: true },
  looped: { changed: true, results: [{ changed: false }, { changed: true, failed: true }] },
  flag: 'yes',
};

type Case = [expression: string, expected: boolean];

/** Every test of the catalog, true and false cases. */
const cases: Case[] = [
  ['ver is defined', true],
  ['nope is defined', false],
  ['nope is undefined', true],
  ['n is defined', true],
  ['d.a is defined', true],
  ['d.zz is defined', false],
  ['d.zz.deeper is undefined', true],
  ['n.x is defined', false],
  ['l[7] is defined', false],
  ['n is none', true],
  ['i is none', false],
  ['nope is none', false],
  ["ver is version('2.9.0', '>')", true],
  ["ver is version('2.10.0', '<')", true],
  ["ver is version('2.9.3', '==')", true],
  ["ver is version('2.9.3')", true],
  ["ver is version('2.9.3', 'ne')", false],
  ["ver is version('2.9', 'ge')", true],
  ["ver is version_compare('3.0', 'lt')", true],
  ["ver is version('2.9.0', operator='gt')", true],
  ["ver is not version('2.9.0', '<')", true],
  ["s is match('H')", true],
  ["s is match('ello')", false],
  ["s is match('h', ignorecase=true)", true],
  ["s is search('ell')", true],
  ["s is search('^ell')", false],
  ["s is regex('l+o$')", true],
  ['2 is in l', true],
  ['2 is in(l)', true],
  ['9 is in l', false],
  ["'a' is in d", true],
  ["'ell' is in s", true],
  ['l is contains(3)', true],
  ['l is contains(4)', false],
  ['[1, 2] is subset(l)', true],
  ['[1, 9] is subset(l)', false],
  ['l is superset([3])', true],
  ['s is string', true],
  ['i is string', false],
  ['nope is string', false],
  ['i is number', true],
  ['f is number', true],
  ['s is number', false],
  ['i is integer', true],
  ['f is integer', false],
  ['f is float', true],
  ['i is float', false],
  ['b is boolean', true],
  ['b is bool', true],
  ['i is boolean', false],
  ['d is mapping', true],
  ['l is mapping', false],
  ['l is sequence', true],
  ['s is sequence', true],
  ['i is sequence', false],
  ['l is iterable', true],
  ['i is iterable', false],
  ['l is truthy', true],
  ['[] is truthy', false],
  ['flag is truthy(convert_bool=true)', true],
  ["'no' is truthy(convert_bool=true)", false],
  ['0 is falsy', true],
  ['d is falsy', false],
  ['i is even', true],
  ['i is odd', false],
  ['9 is divisibleby 3', true],
  ['9 is divisibleby(4)', false],
  ["'abc' is lower", true],
  ["'ABC' is upper", true],
  ["'Abc' is upper", false],
  ['[true, 1] is all', true],
  ['[true, 0] is all', false],
  ['[0, 1] is any', true],
  ['ok is success', true],
  ['ok is succeeded', true],
  ['bad is success', false],
  ['bad is failed', true],
  ['bad is failure', true],
  ['ok is failed', false],
  ['bad is changed', true],
  ['bad is change', true],
  ['ok is changed', false],
  ['looped is changed', true],
  ['looped is failed', true],
  ['skip is skipped', true],
  ['skip is skip', true],
  ['ok is skipped', false],
  ['i is equalto 4', true],
  ['i is eq(4)', true],
  ['i is ne(4)', false],
  ['i is lt 5', true],
  ['i is le 4', true],
  ['i is gt 4', false],
  ['i is ge 4', true],
  ['l is sameas l', true],
  ['l is sameas [1, 2, 3]', false],
  ['l | select("in", [2, 3, 9]) | list == [2, 3]', true],
];

describe('tests (x is NAME)', () => {
  it.each(cases)('%s → %s', (expression, expected) => {
    expect(evaluateExpression(expression, { vars })).toBe(expected);
  });

  it('has a case for every test of the catalog', () => {
    const used = new Set(cases.flatMap(([e]) => [...e.matchAll(/\bis (?:not )?(\w+)/g)].map((m) => m[1])));
    used.add('in'); // `select("in", …)` too
    expect(TEST_NAMES.filter((name) => !used.has(name))).toEqual([]);
  });

  it.each([
    ["ver is version('2.9', 'about')", /version test: unknown operator "about"/],
    ['i is changed', /the "changed" test expects a registered result/],
    ["nope is version('1.0', '<')", /undefined variable "nope"/],
    ["ver is version(nope, '<')", /undefined variable "nope"/],
  ])('%s fails', (expression, message) => {
    expect(() => evaluateExpression(expression, { vars, host: 'h', task: 't' })).toThrow(message);
  });

  it('wraps value errors in TemplateRenderError naming host and task', () => {
    const run = () => evaluateExpression("ver is version('2.9', 'about')", { vars, host: 'mesh-01', task: 'detect' });
    expect(run).toThrow(TemplateRenderError);
    expect(run).toThrow(/in task "detect" on host mesh-01$/);
  });
});
