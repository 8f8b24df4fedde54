import { describe, expect, it } from 'vitest';
import { UndefinedVariableError } from '../../src/template/errors.js';
import { evaluateExpression, renderString, renderValue } from '../../src/template/render.js';
import { checkExpressionSyntax, checkTemplateSyntax } from '../../src/template/syntax.js';

const vars = { xs: [1, 2, 3, 4, 5], s: 'hello', n: 2, empty: [], line: 'Client: 2.10.1', conf: { a: 1 }, emoji: 'a😀b' };
const ctx = { vars, host: 'h1', task: 't' };

/** Python's answers (python3 -c 'print(repr(...))'). */
describe('slices and negative indexes, as Python', () => {
  it.each([
    ['xs[:2]', [1, 2]],
    ['xs[2:]', [3, 4, 5]],
    ['xs[1:3]', [2, 3]],
    ['xs[:]', [1, 2, 3, 4, 5]],
    ['xs[-1]', 5],
    ['xs[-2:]', [4, 5]],
    ['xs[:-1]', [1, 2, 3, 4]],
    ['xs[1:-1]', [2, 3, 4]],
    ['xs[::2]', [1, 3, 5]],
    ['xs[1::2]', [2, 4]],
    ['xs[::-1]', [5, 4, 3, 2, 1]],
    ['xs[3:0:-1]', [4, 3, 2]],
    ['xs[-1:-4:-2]', [5, 3]],
    ['xs[10:]', []],
    ['xs[-10:2]', [1, 2]],
    ['xs[:n]', [1, 2]],
    ['xs[n:n + 2]', [3, 4]],
    ['xs[None:2]', [1, 2]],
    ['empty[:1]', []],
    ['s[1:]', 'ello'],
    ['s[:-1]', 'hell'],
    ['s[::-1]', 'olleh'],
    ['s[-1]', 'o'],
    ['s[1:4]', 'ell'],
    ['emoji[1:2]', '😀'],
    ['line.split(" ")[1:]', ['2.10.1']],
    ['(xs | list)[:1]', [1]],
    ['[10, 20, 30][1:]', [20, 30]],
    ['"abc"[::-1]', 'cba'],
    ['xs[:2] | length', 2],
    ['xs[:2] + xs[-1:]', [1, 2, 5]],
    ['3 in xs[2:]', true],
  ] as const)('%s → %j', (expr, expected) => {
    expect(evaluateExpression(expr, ctx)).toEqual(expected);
  });

  it('works in templates, native and as text', () => {
    expect(renderValue('{{ xs[:2] }}', ctx)).toEqual([1, 2]);
    expect(renderString('{{ s[1:] }}-{{ xs[-1] }}-{{ xs[:2] }}', ctx)).toBe('ello-5-[1, 2]');
    expect(renderString('{% for x in xs[3:] %}{{ x }}{% endfor %}', ctx)).toBe('45');
  });

  it.each([
    ['xs[::0]', 'slice step cannot be zero'],
    ['xs["a":]', 'slice start must be an integer or None, got str'],
    ['conf[:1]', 'cannot slice a dict (only lists and strings)'],
    ['n[1:]', 'cannot slice a int (only lists and strings)'],
  ])('%s fails: %s', (expr, message) => {
    expect(() => evaluateExpression(expr, ctx)).toThrow(message);
  });

  it('an undefined sequence or bound is an undefined-variable error', () => {
    expect(() => evaluateExpression('nope[:1]', ctx)).toThrow(UndefinedVariableError);
    expect(() => evaluateExpression('xs[:nope]', ctx)).toThrow(/undefined variable "nope"/);
  });

  it('syntax checks accept slices and still reject bad subscripts', () => {
    expect(checkExpressionSyntax('xs[1:] | first')).toBeNull();
    expect(checkTemplateSyntax('{{ s[::-1] | upper }}')).toBeNull();
    expect(checkExpressionSyntax('xs[1:2:3:4]')?.message).toBe('too many ":" in a slice');
    expect(checkExpressionSyntax('xs[1, 2]')?.message).toBe('invalid index: use one value inside "[ ]"');
    expect(checkExpressionSyntax('xs[]')?.message).toBe('empty "[]" after a value');
    expect(checkExpressionSyntax('xs[1:')?.message).toMatch(/unclosed "\["/);
    expect(checkExpressionSyntax('xs[:2] | nosuchfilter')?.message).toMatch(/unknown filter "nosuchfilter"/);
  });
});
