import { describe, expect, it } from 'vitest';
import { ModuleArgsError } from '../../src/modules/module-args.js';
import { normaliseSetFact, setFactModule } from '../../src/modules/set-fact.js';
import { makeContext } from './local-executor.js';

describe('set_fact', () => {
  it.each<[Record<string, unknown>, Record<string, unknown>]>([
    [
      { a: 1, b: 'x', c: [1, 2], d: { e: true } },
      { a: 1, b: 'x', c: [1, 2], d: { e: true } },
    ],
    [{ a: 1, cacheable: true }, { a: 1 }],
    [{ _raw_params: "a=1 b='two words' c=yes d=False e=maybe" }, { a: '1', b: 'two words', c: true, d: false, e: 'maybe' }],
    [{ _raw_params: 'a=1', a: 2 }, { a: 2 }],
  ])('%j', async (args, facts) => {
    const plan = await setFactModule.plan(normaliseSetFact(args), {}, makeContext());
    expect(plan).toEqual({ changed: false, actions: [], facts });
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{}, /no variables given/],
    [{ cacheable: true }, /no variables given/],
    [{ 'bad-name': 1 }, /'bad-name' is not a valid variable name/],
    [{ '1x': 1 }, /'1x' is not a valid variable name/],
    [{ _raw_params: 'novalue' }, /'novalue' is not a name=value pair/],
    [{ _raw_params: "a='open" }, /a single quote is not closed/],
  ])('rejects %j', (args, message) => {
    expect(() => normaliseSetFact(args)).toThrow(ModuleArgsError);
    expect(() => normaliseSetFact(args)).toThrow(message);
  });

  it('is local', () => {
    expect(setFactModule.local).toBe(true);
  });
});
