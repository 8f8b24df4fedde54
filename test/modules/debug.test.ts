import { describe, expect, it } from 'vitest';
import { debugModule, normaliseDebug } from '../../src/modules/debug.js';
import { ModuleArgsError } from '../../src/modules/module-args.js';
import { expectPlan } from './fixtures.js';
import { makeContext } from './local-executor.js';

const vars = { version: '2.10.1', result: { stdout: 'ok', rc: 0, lines: ['a'] }, empty: '' };
const ctx = makeContext({ vars, evaluate: (e) => (e === 'result.rc + 1' ? 1 : undefined) });

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
    [{ var: 'result.rc + 1' }, 0, { returns: { 'result.rc + 1': 1 } }],
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
