import { describe, expect, it } from 'vitest';
import { checkExpressionSyntax, checkTemplateSyntax, containsTemplate } from '../../src/template/syntax.js';

type Case = [input: string, expected: null | { message: string | RegExp; line: number; col: number }];

const templateCases: Case[] = [
  ['plain text', null],
  ['{{ x }}', null],
  ['{{ x | default("a") | upper }}', null],
  ['{{ x is version("2.9.0", "<") }}', null],
  ['{{ x is in groups }}', null],
  ['{{ x is not defined }}', null],
  ['{% if x %}a{% else %}b{% endif %}', null],
  ['{% for i in xs %}{{ i }}{% endfor %}', null],
  ['{{ x }} }}', null], // a stray "}}" is text, as in Jinja2
  ["{{ d | combine({'a': {'b': 1}}) }}", null], // "}}" inside an open "{" closes the dict
  ["{{ x | regex_search('\\d+') }}", null],
  ['{{ x }', { message: 'unexpected "}" in expression; expected "}}"', line: 1, col: 6 }],
  ['{{ x', { message: 'unclosed "{{"', line: 1, col: 1 }],
  ['ok {{ x }} and {{ y', { message: 'unclosed "{{"', line: 1, col: 16 }],
  ['line one\n  {{ x ', { message: 'unclosed "{{"', line: 2, col: 3 }],
  ['a\n{{ x | }}', { message: 'expected a name, got "}}"', line: 2, col: 8 }],
  ['{{ x y }}', { message: 'unexpected "y" in expression; expected "}}"', line: 1, col: 6 }],
  ['{{ }}', { message: 'unexpected "}}" in expression', line: 1, col: 4 }],
  ['{{ x + }}', { message: 'unexpected "}}" in expression', line: 1, col: 8 }],
  ['{{ (x }}', { message: 'unclosed "(" (or a missing ",")', line: 1, col: 4 }],
  ['{{ x.  }}', { message: 'expected an attribute name after ".", got "}}"', line: 1, col: 8 }],
  ['ab\n{{ "abc }}', { message: 'unclosed string', line: 2, col: 4 }],
  ['{{ x }}\n  {{ y | int(1 }}', { message: 'expected "," or ")" in arguments, got "}}"', line: 2, col: 16 }],
  ['{% if x %}', { message: 'unclosed "{% if %}"; expected "{% endif %}"', line: 1, col: 1 }],
  ['a\n {% if x %}{{ y }}', { message: 'unclosed "{% if %}"; expected "{% endif %}"', line: 2, col: 2 }],
  ['{% set a = 1 %}{% for i in x %}', { message: 'unclosed "{% for %}"; expected "{% endfor %}"', line: 1, col: 16 }],
  ['{% endif %}', { message: 'unknown or unexpected tag "endif"', line: 1, col: 4 }],
  ['{{ x | defualt("a") }}', { message: 'unknown filter "defualt"; did you mean "default"?', line: 1, col: 8 }],
  ['{{ x | frobnicate }}', { message: 'unknown filter "frobnicate"', line: 1, col: 8 }],
  ['{{ x is definde }}', { message: 'unknown test "definde"; did you mean "defined"?', line: 1, col: 9 }],
  ['first {{ a }}\nsecond {{ b | lenght }}', { message: 'unknown filter "lenght"; did you mean "length"?', line: 2, col: 15 }],
  ['{{ x @ y }}', { message: /unexpected "@"/, line: 1, col: 6 }],
];

const expressionCases: Case[] = [
  ['x', null],
  ['x is defined and x.y', null],
  ['a and b or not c', null],
  ["kuma_version is version('2.9.0', '>=')", null],
  ['x is in [1, 2]', null],
  ["'a' in xs and 'b' not in xs", null],
  ['result.rc != 0 and "error" in result.stderr', null],
  ['x if y else z', null],
  ['result.stdout | int > 0', null],
  ['flag | bool', null],
  ['n is divisibleby 3', null],
  ['', { message: 'empty expression', line: 1, col: 1 }],
  ['x }} y', { message: 'unexpected "}}" in expression', line: 1, col: 3 }],
  ['x ==', { message: 'unexpected end of text', line: 1, col: 5 }],
  ['(x', { message: 'unclosed "("', line: 1, col: 1 }],
  ['x |', { message: 'unexpected end of text', line: 1, col: 4 }],
  ['x = 1', { message: 'unexpected "=" in expression', line: 1, col: 3 }],
  ['x | lenght > 0', { message: 'unknown filter "lenght"; did you mean "length"?', line: 1, col: 5 }],
  ['x is versoin("1", "<")', { message: 'unknown test "versoin"; did you mean "version"?', line: 1, col: 6 }],
  ['{{ x }}', { message: 'a condition is a bare expression: remove the "{{ }}"', line: 1, col: 1 }],
];

function expectProblem(actual: ReturnType<typeof checkTemplateSyntax>, expected: Case[1]): void {
  if (expected === null) {
    expect(actual).toBeNull();
    return;
  }
  expect(actual).not.toBeNull();
  expect({ line: actual!.line, col: actual!.col }).toEqual({ line: expected.line, col: expected.col });
  if (typeof expected.message === 'string') expect(actual!.message).toBe(expected.message);
  else expect(actual!.message).toMatch(expected.message);
}

describe('checkTemplateSyntax', () => {
  it.each(templateCases)('%j', (input, expected) => {
    expectProblem(checkTemplateSyntax(input), expected);
  });
});

describe('checkExpressionSyntax', () => {
  it.each(expressionCases)('%j', (input, expected) => {
    expectProblem(checkExpressionSyntax(input), expected);
  });
});

describe('containsTemplate', () => {
  it.each([
    ['{{ x }}', true],
    ['a {% if x %}', true],
    ['{# note #}', true],
    ['plain { text }', false],
    ['', false],
  ] as const)('%j → %s', (text, expected) => {
    expect(containsTemplate(text)).toBe(expected);
  });
});
