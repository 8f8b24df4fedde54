import { describe, expect, it } from 'vitest';
import { assertModule, normaliseAssert } from '../../src/modules/assert.js';
import { ModuleArgsError } from '../../src/modules/module-args.js';
import { expectPlan } from './fixtures.js';
import { makeContext } from './local-executor.js';

/** A stand-in for the engine's evaluator: a table of expression → value; unknown ones throw. */
const table: Record<string, unknown> = { yes: true, no: false, one: 1, zero: 0, empty_list: [], list: [1], empty: '', text: 'x', none: null, empty_map: {} };
const evaluate = (expression: string): unknown => {
  if (!(expression in table)) throw new Error(`'${expression}' is undefined`);
  return table[expression];
};
const ctx = makeContext({ evaluate });

describe('assert', () => {
  it.each<[Record<string, unknown>, Record<string, unknown>]>([
    [{ that: 'yes' }, { that: ['yes'], quiet: false }],
    [{ that: ['yes', 'one'], msg: 'bad' }, { failMsg: 'bad' }],
    [
      { that: ['yes'], fail_msg: 'bad', success_msg: 'good', quiet: true },
      { failMsg: 'bad', successMsg: 'good', quiet: true },
    ],
  ])('normalises %j', (args, expected) => {
    expect(normaliseAssert(args)).toMatchObject(expected);
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{}, /'that' needs at least one expression/],
    [{ that: [] }, /'that' needs at least one expression/],
    [{ that: ['yes', ' '] }, /none may be empty/],
    [{ that: 'yes', msg: 'a', fail_msg: 'b' }, /'msg' and 'fail_msg' are the same parameter/],
    [{ that: [{ a: 1 }] }, /'that\[0\]' must be a string/],
  ])('rejects %j', (args, message) => {
    expect(() => normaliseAssert(args)).toThrow(ModuleArgsError);
    expect(() => normaliseAssert(args)).toThrow(message);
  });

  it.each<[Record<string, unknown>, Record<string, unknown>]>([
    [{ that: ['yes', 'one', 'list', 'text'] }, { failed: undefined, changed: false, msg: 'All assertions passed' }],
    [{ that: 'yes', success_msg: 'fine' }, { msg: 'fine' }],
    [{ that: 'yes', quiet: true }, { msg: undefined }],
    [{ that: ['yes', 'zero', 'no'] }, { failed: true, msg: 'Assertion failed: zero', returns: { assertion: 'zero', evaluated_to: false } }],
    [
      { that: ['empty_list'], fail_msg: 'need rules' },
      { failed: true, msg: 'need rules', returns: { assertion: 'empty_list' } },
    ],
    [{ that: ['empty'] }, { failed: true }],
    [{ that: ['none'] }, { failed: true }],
    [{ that: ['empty_map'] }, { failed: true }],
  ])('plans %j', async (args, expected) => {
    const plan = await assertModule.plan(normaliseAssert(args), {}, ctx);
    expectPlan(plan, { actions: [], ...expected });
  });

  it('stops at the first false expression without evaluating the rest', async () => {
    const seen: string[] = [];
    const plan = await assertModule.plan(
      normaliseAssert({ that: ['yes', 'no', 'undefined_thing'] }),
      {},
      makeContext({
        evaluate: (e) => {
          seen.push(e);
          return evaluate(e);
        },
      }),
    );
    expect(plan.msg).toBe('Assertion failed: no');
    expect(seen).toEqual(['yes', 'no']);
  });

  it('lets an evaluation error (undefined variable) propagate to the engine', () => {
    expect(() => assertModule.plan(normaliseAssert({ that: 'missing_var' }), {}, ctx)).toThrow(/'missing_var' is undefined/);
  });

  it('fails clearly without an evaluator, and is local', async () => {
    expect(await assertModule.plan(normaliseAssert({ that: 'yes' }), {}, makeContext())).toMatchObject({
      failed: true,
      msg: expect.stringMatching(/evaluator/),
    });
    expect(assertModule.local).toBe(true);
    expect(assertModule.facts).toBeUndefined();
  });
});

describe('assert with the real template evaluator', () => {
  it('evaluates Jinja2 expressions like a when condition', async () => {
    const { evaluateExpression } = await import('../../src/template/render.js');
    const vars = { kuma_version: '2.10.1', rules: [], flag: 'no' };
    const real = makeContext({ vars, evaluate: (e) => evaluateExpression(e, { vars, host: 'h', task: 't' }) });
    const ok = await assertModule.plan(normaliseAssert({ that: ["kuma_version is version('2.9.0', '>=')", "kuma_version != ''"] }), {}, real);
    expect(ok.failed).toBeUndefined();
    expect((await assertModule.plan(normaliseAssert({ that: ['rules'] }), {}, real)).msg).toBe('Assertion failed: rules');
    expect((await assertModule.plan(normaliseAssert({ that: ['flag'] }), {}, real)).failed).toBe(true);
    expect(() => assertModule.plan(normaliseAssert({ that: ['nope == 1'] }), {}, real)).toThrow(/nope/);
  });
});
