import { describe, expect, it } from 'vitest';
import { debugModule, normaliseDebug } from '../../src/modules/debug.js';
import { ModuleArgsError } from '../../src/modules/module-args.js';
import { expectPlan } from './fixtures.js';
import { makeContext } from './local-executor.js';

const vars = { version: '2.10.1', result: { stdout: 'ok', rc: 0, lines: ['a'] }, empty: '' };
/** Without an evaluator: plain names are looked up in vars. */
const ctx = makeContext({ vars });

describe('debug', () => {
  it.each<[Record<string, unknown>, number, Record<string, unknown>]>([
    [{}, 0, { msg: 'Hello world!', returns: { msg: 'Hello world!' } }],
    [{ msg: 'upgrading to 2.10.1' }, 0, { msg: 'upgrading to 2.10.1' }],
    [{ msg: ['a', 'b'] }, 0, { msg: undefined, returns: { msg: ['a', 'b'] } }],
    [{ var: 'version' }, 0, { msg: 'version: 2.10.1', returns: { version: '2.10.1' } }],
    [{ var: 'result.lines' }, 0, { msg: 'result.lines: ["a"]', returns: { 'result.lines': ['a'] } }],
    [{ var: 'empty' }, 0, { returns: { empty: '' } }],
    [{ var: 'nope' }, 0, { msg: 'nope: VARIABLE IS NOT DEFINED!', returns: { nope: 'VARIABLE IS NOT DEFINED!' } }],
    [{ var: 'result.missing' }, 0, { returns: { 'result.missing': 'VARIABLE IS NOT DEFINED!' } }],
    [{ var: 'result.rc + 1' }, 0, { returns: { 'result.rc + 1': 'VARIABLE IS NOT DEFINED!' } }],
    [{ msg: 'detail', verbosity: 2 }, 1, { skipped: true, msg: 'Verbosity threshold not met.' }],
    [{ msg: 'detail', verbosity: '2' }, 2, { msg: 'detail', skipped: undefined }],
  ])('%j at -v level %i', async (args, verbosity, expected) => {
    const plan = await debugModule.plan(normaliseDebug(args), {}, { ...ctx, verbosity });
    expectPlan(plan, { changed: false, actions: [], ...expected });
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ msg: 'a', var: 'b' }, /either 'msg' or 'var'/],
    [{ msg: 'a', verbosity: -1 }, /'verbosity' must be a non-negative integer/],
    [{ mgs: 'a' }, /did you mean 'msg'/],
  ])('rejects %j', (args, message) => {
    expect(() => normaliseDebug(args)).toThrow(ModuleArgsError);
    expect(() => normaliseDebug(args)).toThrow(message);
  });
});

describe('debug with the engine evaluator', () => {
  const evaluate = (e: string): unknown => {
    if (e === 'result.rc + 1') return 1;
    if (e === 'version') return '2.10.1';
    throw new Error(`undefined variable "${e.split(/[ .]/)[0]}"`);
  };
  const ectx = makeContext({ vars, evaluate });

  it.each<[string, unknown]>([
    ['version', '2.10.1'],
    ['result.rc + 1', 1],
    ['missing', 'VARIABLE IS NOT DEFINED!'],
    ['missing.field', 'VARIABLE IS NOT DEFINED!'],
  ])('var %s → %j', async (name, value) => {
    expect((await debugModule.plan(normaliseDebug({ var: name }), {}, ectx)).returns).toEqual({ [name]: value });
  });

  it('lets an error in a real expression propagate', () => {
    expect(() => debugModule.plan(normaliseDebug({ var: 'missing + 1' }), {}, ectx)).toThrow(/undefined variable "missing"/);
  });
});
