import { describe, expect, it } from 'vitest';
import { failModule, normaliseFail } from '../../src/modules/fail.js';
import { ModuleArgsError } from '../../src/modules/module-args.js';
import { makeContext } from './local-executor.js';

describe('fail', () => {
  it.each<[Record<string, unknown>, string]>([
    [{}, 'Failed as requested from task'],
    [{ msg: 'no iptables on web-1' }, 'no iptables on web-1'],
    [{ msg: ['a', 'b'] }, '["a","b"]'],
  ])('%j', async (args, msg) => {
    expect(await failModule.plan(normaliseFail(args), {}, makeContext())).toEqual({ changed: false, actions: [], failed: true, msg });
  });

  it('rejects unknown parameters', () => {
    expect(() => normaliseFail({ message: 'x' })).toThrow(ModuleArgsError);
    expect(() => normaliseFail({ message: 'x' })).toThrow(/unsupported parameter 'message'/);
  });

  it('is local', () => {
    expect(failModule.local).toBe(true);
  });
});
