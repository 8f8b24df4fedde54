import { describe, expect, it } from 'vitest';
import { UndefinedVariableError } from '../../src/template/errors.js';
import { evaluateExpression, renderValue } from '../../src/template/render.js';

const vars = { x: { y: 1, n: null }, lst: [1], s: 'text', nothing: null, zero: 0 };
const ctx = { vars, host: 'mesh-01', task: 'detect' };

describe('undefined values that Ansible allows', () => {
  it.each([
    ['missing is defined', false],
    ['missing is undefined', true],
    ['missing is not defined', true],
    ['not (missing is defined)', true],
    ['x.zz is defined', false],
    ['x.zz.deeper is defined', false],
    ['missing.attr is defined', false],
    ['missing["k"] is defined', false],
    ['lst[5] is defined', false],
    ['x.n.attr is defined', false],
    ['missing is defined and missing.y', false],
    ['x is defined and x.y', 1],
    ['missing is not defined or missing.y', true],
    ['missing | default("a")', 'a'],
    ['missing | d("a")', 'a'],
    ['missing.attr | default("a")', 'a'],
    ['x.zz | default(x.y)', 1],
    ['(missing | default([])) | length', 0],
    ['missing is string', false],
    ['missing is none', false],
    ['"a" if missing is defined else "b"', 'b'],
    ['nothing is defined', true],
    ['x.n is defined', true],
    ['zero | default(5)', 0],
  ] as const)('%s → %j', (expression, expected) => {
    expect(evaluateExpression(expression, ctx)).toEqual(expected);
  });
});

describe('undefined values that are errors', () => {
  it.each([
    ['{{ kuma_versoin }}', 'kuma_versoin'],
    ['prefix {{ kuma_versoin }} suffix', 'kuma_versoin'],
    ['{{ missing.attr }}', 'missing'],
    ['{{ x.zz }}', 'x.zz'],
    ['{{ x.zz.deeper }}', 'x.zz'],
    ['{{ x["zz"] }}', 'x.zz'],
    ['{{ x["a b"] }}', 'x["a b"]'],
    ['{{ lst[3] }}', 'lst[3]'],
    ['{{ x.n.attr }}', 'x.n.attr'],
    ['{{ missing == 1 }}', 'missing'],
    ['{{ 1 < missing }}', 'missing'],
    ['{{ missing + 1 }}', 'missing'],
    ['{{ "a" ~ missing }}', 'missing'],
    ['{{ "a" in missing }}', 'missing'],
    ['{{ missing | upper }}', 'missing'],
    ['{{ missing | length }}', 'missing'],
    ['{{ s | replace(missing, "b") }}', 'missing'],
    ['{{ missing | mandatory }}', 'missing'],
    ['{% if missing %}a{% endif %}', 'missing'],
    ['{% for i in missing %}{{ i }}{% endfor %}', 'missing'],
    ['{{ "a" if missing else "b" }}', 'missing'],
    ['{{ not missing }}', 'missing'],
    ['{{ missing and true }}', 'missing'],
    ['{{ [missing] }}', 'missing'],
    ['{{ {"k": missing} }}', 'missing'],
    ['{{ missing is version("1.0", "<") }}', 'missing'],
    ['{{ missing is match("a") }}', 'missing'],
    ['{{ missing() }}', 'missing'],
    ['{{ s.nosuchmethod() }}', 's.nosuchmethod'],
    ['{{ x.y is defined and missing }}', 'missing'],
    ['{{ missing | default(other_missing) }}', 'other_missing'],
  ] as const)('%s names "%s"', (template, variable) => {
    let caught: unknown;
    try {
      renderValue(template, ctx);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UndefinedVariableError);
    const e = caught as UndefinedVariableError;
    expect(e.variable).toBe(variable);
    expect(e.host).toBe('mesh-01');
    expect(e.task).toBe('detect');
    expect(e.code).toBe('template-undefined');
    expect(e.message).toContain(`undefined variable "${variable}"`);
  });

  it('names variable, task and host in one message', () => {
    expect(() => renderValue('{{ kumactl }} version', { vars: {}, host: 'mesh-01', task: 'detect' })).toThrow(
      'undefined variable "kumactl" in task "detect" on host mesh-01',
    );
  });

  it('explains a missing attribute of an existing value', () => {
    expect(() => renderValue('{{ x.zz }}', { vars })).toThrow('undefined variable "x.zz" (dict has no attribute "zz")');
    expect(() => renderValue('{{ lst[3] }}', { vars })).toThrow('undefined variable "lst[3]" (index 3 out of range)');
  });

  it('never renders an undefined value as an empty string', () => {
    expect(() => renderValue('a{{ missing }}b', { vars })).toThrow(UndefinedVariableError);
  });

  it('an empty first/last is undefined: default replaces it, output fails', () => {
    expect(renderValue('{{ [] | first | default("none") }}', { vars })).toBe('none');
    expect(() => renderValue('{{ [] | last }}', { vars })).toThrow(UndefinedVariableError);
  });
});
