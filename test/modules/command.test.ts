import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandModule, normaliseCommand } from '../../src/modules/command.js';
import { ModuleArgsError } from '../../src/modules/module-args.js';
import { pathExistsCommand } from '../../src/modules/run-guards.js';
import { execResult, HOSTILE_NAMES, makeTempDir } from './fixtures.js';
import { makeContext, runLocally } from './local-executor.js';

const ctx = makeContext();

describe('command: parameters', () => {
  it.each<[Record<string, unknown>, Record<string, unknown>]>([
    [{ cmd: 'ls -l /tmp' }, { argv: ['ls', '-l', '/tmp'] }],
    [{ cmd: `echo "a b" 'c'` }, { argv: ['echo', 'a b', 'c'] }],
    [{ argv: ['echo', 'a b', '$(x)'] }, { argv: ['echo', 'a b', '$(x)'] }],
    [{ _raw_params: 'creates=/x chdir=/tmp touch x' }, { argv: ['touch', 'x'], creates: '/x', chdir: '/tmp' }],
    [{ _raw_params: 'echo foo=bar' }, { argv: ['echo', 'foo=bar'] }],
    [
      { cmd: 'cat', stdin: 'hello' },
      { argv: ['cat'], stdin: 'hello\n' },
    ],
    [
      { cmd: 'cat', stdin: 'hello', stdin_add_newline: 'no' },
      { argv: ['cat'], stdin: 'hello' },
    ],
    [{ argv: 'ls' }, { argv: ['ls'] }],
    [{ cmd: ['echo', 'a b', '$(x)'] }, { argv: ['echo', 'a b', '$(x)'] }],
    [
      { cmd: 'ls', chdir: '/srv', creates: '/a', removes: '/b' },
      { argv: ['ls'], chdir: '/srv', creates: '/a', removes: '/b' },
    ],
  ])('%j', (args, expected) => {
    expect(normaliseCommand(args)).toMatchObject(expected);
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{}, /no command given/],
    [{ cmd: '   ' }, /no command given/],
    [{ cmd: "echo 'unterminated" }, /cannot split the command: unterminated single quote/],
    [{ cmd: 'ls', argv: ['ls'] }, /give one of a free-form command, 'cmd' or 'argv'/],
    [{ cmd: 'ls', chdri: '/tmp' }, /unsupported parameter 'chdri' \(did you mean 'chdir'\?\)/],
    [{ cmd: 'ls', stdin_add_newline: 'maybe' }, /'stdin_add_newline' must be a boolean/],
    [{ argv: [['nested']] }, /'argv\[0\]' must be a string/],
    [{ argv: ['echo', 'a\0b'] }, /NUL byte/],
  ])('rejects %j', (args, message) => {
    expect(() => normaliseCommand(args)).toThrow(ModuleArgsError);
    expect(() => normaliseCommand(args)).toThrow(message);
  });
});

describe('command: facts and plan', () => {
  it('asks for no facts without creates/removes', () => {
    expect(commandModule.facts!(normaliseCommand({ cmd: 'ls' }), ctx)).toEqual([]);
  });

  it('checks creates relative to chdir, and removes as given', () => {
    const p = normaliseCommand({ cmd: 'make', chdir: '/src dir', creates: 'out/*.bin', removes: '/tmp/lock' });
    expect(commandModule.facts!(p, ctx)).toEqual([
      { key: 'creates', command: pathExistsCommand('/src dir/out/*.bin'), become: false },
      { key: 'removes', command: pathExistsCommand('/tmp/lock'), become: false },
    ]);
  });

  it.each<[string, Record<string, unknown>, Record<string, ReturnType<typeof execResult>>, Record<string, unknown>]>([
    [
      'runs argv quoted, never through a shell',
      { argv: ['echo', 'a b', '$(id)', "it's"] },
      {},
      {
        changed: true,
        resultFromLastExec: true,
        skipInCheckMode: true,
        actions: [{ kind: 'exec', command: `exec echo 'a b' '$(id)' 'it'\\''s'`, become: false }],
      },
    ],
    [
      'changes directory first',
      { cmd: 'ls', chdir: '-weird dir' },
      {},
      { actions: [{ kind: 'exec', command: `cd './-weird dir' && exec ls`, become: false }] },
    ],
    ['passes stdin on the action', { cmd: 'cat', stdin: 'secret' }, {}, { actions: [{ kind: 'exec', command: 'exec cat', stdin: 'secret\n', become: false }] }],
    [
      'skips when creates exists',
      { cmd: 'touch /x', creates: '/x' },
      { creates: execResult('present\n') },
      {
        changed: false,
        actions: [],
        msg: 'skipped, since /x exists',
        returns: { rc: 0, stdout: 'skipped, since /x exists', stderr: '' },
      },
    ],
    ['runs when creates is missing', { cmd: 'touch /x', creates: '/x' }, { creates: execResult('absent\n') }, { changed: true }],
    [
      'skips when removes is missing',
      { cmd: 'rm /x', removes: '/x' },
      { removes: execResult('absent\n') },
      { changed: false, msg: 'skipped, since /x does not exist' },
    ],
    [
      'fails when the guard cannot be checked',
      { cmd: 'ls', creates: '/x' },
      { creates: execResult('', 1, 'sh: boom') },
      { failed: true, msg: expect.stringContaining('sh: boom') },
    ],
  ])('%s', async (_name, args, facts, expected) => {
    expect(await commandModule.plan(normaliseCommand(args), facts, ctx)).toMatchObject(expected);
  });

  it('uses the task become for facts and actions', async () => {
    const bctx = makeContext({ become: true });
    const p = normaliseCommand({ cmd: 'ls', creates: '/x' });
    expect(commandModule.facts!(p, bctx)[0].become).toBe(true);
    const plan = await commandModule.plan(p, { creates: execResult('absent\n') }, bctx);
    expect(plan.actions[0]).toMatchObject({ become: true });
  });
});

describe('command: for real', () => {
  it('passes hostile arguments through unchanged and expands nothing', async () => {
    const dir = makeTempDir();
    for (const name of HOSTILE_NAMES) {
      const run = await runLocally(commandModule, { argv: ['touch', '--', join(dir, name)] }, ctx, dir);
      expect(run.failed).toBe(false);
    }
    expect(readdirSync(dir).sort()).toEqual([...HOSTILE_NAMES].sort());
  });

  it('does not interpret shell syntax in cmd', async () => {
    const dir = makeTempDir();
    const run = await runLocally(commandModule, { cmd: 'echo $HOME `id` $(id) | wc > out' }, ctx, dir);
    expect(run.execs[0].stdout).toBe('$HOME `id` $(id) | wc > out\n');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('is idempotent with creates: the second run changes nothing', async () => {
    const dir = makeTempDir();
    const target = join(dir, 'made $(here)');
    const args = { argv: ['touch', target], creates: target };
    const first = await runLocally(commandModule, args, ctx, dir);
    expect(first.plan.changed).toBe(true);
    expect(existsSync(target)).toBe(true);
    const second = await runLocally(commandModule, args, ctx, dir);
    expect(second.plan).toMatchObject({ changed: false, actions: [], msg: `skipped, since ${target} exists` });
  });

  it('checks a creates glob and chdir for real', async () => {
    const dir = makeTempDir();
    const args = { cmd: 'touch out-1.bin', chdir: dir, creates: 'out-*.bin' };
    expect((await runLocally(commandModule, args, ctx, '/')).plan.changed).toBe(true);
    expect((await runLocally(commandModule, args, ctx, '/')).plan.changed).toBe(false);
  });

  it('reports a failing command through its rc, with stdin fed', async () => {
    const dir = makeTempDir();
    const run = await runLocally(commandModule, { cmd: 'grep -q needle', stdin: 'haystack' }, ctx, dir);
    expect(run.failed).toBe(true);
    expect(run.execs[0].rc).toBe(1);
    const ok = await runLocally(commandModule, { cmd: 'grep -c needle', stdin: 'a needle' }, ctx, dir);
    expect(ok.execs[0].stdout).toBe('1\n');
  });

  it('runs nothing in check mode (the plan says skip)', async () => {
    const dir = makeTempDir();
    const run = await runLocally(commandModule, { argv: ['touch', join(dir, 'x')] }, makeContext({ check: true }), dir);
    expect(run.plan.skipInCheckMode).toBe(true);
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });
});
