import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModuleArgsError } from '../../src/modules/module-args.js';
import { normaliseShell, shellModule } from '../../src/modules/shell.js';
import { execResult, makeTempDir } from './fixtures.js';
import { makeContext, runLocally } from './local-executor.js';

const ctx = makeContext();

describe('shell: parameters', () => {
  it.each<[Record<string, unknown>, Record<string, unknown>]>([
    [{ cmd: 'echo $HOME | wc -c' }, { cmd: 'echo $HOME | wc -c', executable: '/bin/sh' }],
    [{ _raw_params: 'creates=/x executable=/bin/bash echo hi > /x' }, { cmd: 'echo hi > /x', creates: '/x', executable: '/bin/bash' }],
    [{ _raw_params: "grep 'a  b' f" }, { cmd: "grep 'a  b' f" }],
    [
      { cmd: 'cat', stdin: 'x', chdir: '/tmp' },
      { stdin: 'x\n', chdir: '/tmp' },
    ],
  ])('%j', (args, expected) => {
    expect(normaliseShell(args)).toMatchObject(expected);
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{}, /no command given/],
    [{ cmd: 'a', _raw_params: 'b' }, /either a free-form command or 'cmd'/],
    [{ cmd: 'a', argv: ['a'] }, /unsupported parameter 'argv'/],
    [{ cmd: 'a', creates: ['x'] }, /'creates' must be a string, not a list/],
  ])('rejects %j', (args, message) => {
    expect(() => normaliseShell(args)).toThrow(ModuleArgsError);
    expect(() => normaliseShell(args)).toThrow(message);
  });
});

describe('shell: plan', () => {
  it.each<[string, Record<string, unknown>, Record<string, ReturnType<typeof execResult>>, Record<string, unknown>]>([
    [
      'runs the line as one quoted argument of sh -c',
      { cmd: "echo 'x' | tr x y" },
      {},
      {
        changed: true,
        resultFromLastExec: true,
        skipInCheckMode: true,
        actions: [{ kind: 'exec', command: `exec /bin/sh -c 'echo '\\''x'\\'' | tr x y'`, become: false }],
      },
    ],
    ['uses chdir and executable', { cmd: 'ls', chdir: '/a b', executable: '/bin/bash' }, {}, { actions: [{ command: `cd '/a b' && exec /bin/bash -c ls` }] }],
    [
      'skips when creates exists',
      { cmd: 'x', creates: '/done' },
      { creates: execResult('present\n') },
      { changed: false, actions: [], msg: 'skipped, since /done exists' },
    ],
  ])('%s', async (_name, args, facts, expected) => {
    expect(await shellModule.plan(normaliseShell(args), facts, ctx)).toMatchObject(expected);
  });
});

describe('shell: for real', () => {
  it('runs pipes, redirections and variables, in chdir, and is idempotent with creates', async () => {
    const dir = makeTempDir();
    const args = { cmd: 'printf "%s" "$X" | tr a-z A-Z > "out file"; echo done', chdir: dir, creates: 'out file' };
    const first = await runLocally(shellModule, { ...args, cmd: `X='hi $(x)'; ${args.cmd}` }, ctx, '/');
    expect(first.execs[0]).toMatchObject({ rc: 0, stdout: 'done\n' });
    expect(readFileSync(join(dir, 'out file'), 'utf8')).toBe('HI $(X)');
    const second = await runLocally(shellModule, { ...args, cmd: `X='hi'; ${args.cmd}` }, ctx, '/');
    expect(second.plan.changed).toBe(false);
    expect(readFileSync(join(dir, 'out file'), 'utf8')).toBe('HI $(X)');
  });

  it('fails with the shell exit code', async () => {
    const run = await runLocally(shellModule, { cmd: 'exit 3' }, ctx, makeTempDir());
    expect(run.failed).toBe(true);
    expect(run.execs[0].rc).toBe(3);
  });

  it('changes nothing in check mode', async () => {
    const dir = makeTempDir();
    await runLocally(shellModule, { cmd: `touch ${dir}/x` }, makeContext({ check: true }), dir);
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });
});
