import { describe, expect, it } from 'vitest';
import { createLazyVars, type VarEntry } from '../../src/engine/lazy-vars.js';
import { renderValue } from '../../src/template/render.js';
import { isUndefinedValue } from '../../src/template/undefined.js';

function view(vars: Record<string, unknown>, fixed: Record<string, unknown> = {}) {
  const entries = new Map<string, VarEntry>();
  for (const [k, v] of Object.entries(vars)) entries.set(k, { value: v, template: true });
  for (const [k, v] of Object.entries(fixed)) entries.set(k, { value: v, template: false });
  let renders = 0;
  const v = createLazyVars(entries, (value, vars) => {
    renders++;
    return renderValue(value, { vars });
  });
  return { v, renders: () => renders };
}

describe('createLazyVars', () => {
  it('renders on read, recursively, keeping native types, once per view', () => {
    const { v, renders } = view({ a: '{{ b }}', b: '{{ [1, n] }}', n: 2, s: 'plain' });
    expect(v.a).toEqual([1, 2]);
    const count = renders();
    expect(v.a).toEqual([1, 2]);
    expect(renders()).toBe(count);
    expect(v.s).toBe('plain');
    expect('a' in v).toBe(true);
    expect('zzz' in v).toBe(false);
    expect(Object.keys(v).sort()).toEqual(['a', 'b', 'n', 's']);
  });

  it('fixed values are never rendered', () => {
    const { v } = view({}, { out: { stdout: '{{ not_a_template }}' } });
    expect(v.out).toEqual({ stdout: '{{ not_a_template }}' });
  });

  it('a variable that cannot render reads as an Undefined marker naming the cause', () => {
    const { v } = view({ a: '/opt/{{ missing }}', x: '{{ y }}', y: '{{ x }}' });
    const a = v.a;
    expect(isUndefinedValue(a)).toBe(true);
    expect(() => renderValue('{{ a }}', { vars: v })).toThrow('undefined variable "missing" (needed by "a")');
    expect(() => renderValue('{{ x }}', { vars: v })).toThrow(/recursive loop in variables: (x -> y -> x|y -> x -> y)/);
  });

  it('is read-only', () => {
    const { v } = view({ a: 1 });
    expect(() => {
      (v as Record<string, unknown>).a = 2;
    }).toThrow(TypeError);
  });
});
