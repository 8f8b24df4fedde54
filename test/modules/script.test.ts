import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModuleArgsError } from '../../src/modules/module-args.js';
import { normaliseScript, scriptModule, scriptRunCommand } from '../../src/modules/script.js';
import { execResult, makeTempDir } from './fixtures.js';
import { makeContext, runLocally } from './local-executor.js';

describe('script: parameters', () => {
  it.each<[Record<string, unknown>, Record<string, unknown>]>([
    [{ _raw_params: 'scripts/x.sh --table nat' }, { path: 'scripts/x.sh', args: ['--table', 'nat'] }],
    [{ _raw_params: "creates=/done x.sh 'a b' $(id)" }, { path: 'x.sh', args: ['a b', '$(id)'], creates: '/done' }],
    [
      { cmd: 'check.py --strict', executable: 'python3 -u' },
      { path: 'check.py', args: ['--strict'], executable: ['python3', '-u'] },
    ],
  ])('%j', (args, expected) => {
    expect(normaliseScript(args)).toMatchObject(expected);
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{}, /no script given/],
    [{ _raw_params: 'a.sh', cmd: 'b.sh' }, /give either a free-form script line or 'cmd'/],
    [{ cmd: 'a.sh', executable: "'open" }, /cannot split 'executable'/],
    [{ cmd: 'x.sh', src: 'y' }, /unsupported parameter 'src'/],
    [{ cmd: "x.sh 'open" }, /cannot split 'cmd'/],
  ])('rejects %j', (args, message) => {
    expect(() => normaliseScript(args)).toThrow(ModuleArgsError);
    expect(() => normaliseScript(args)).toThrow(message);
  });
});

describe('script: plan', () => {
  it('sends the script on stdin of one exec that writes, runs and removes it', async () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'x.sh'), '#!/bin/sh\necho hi\n');
    const p = normaliseScript({ _raw_params: "x.sh 'a b'" });
    const plan = await scriptModule.plan(p, {}, makeContext({ playbookDir: dir, become: true }));
    expect(plan).toMatchObject({ changed: true, resultFromLastExec: true, skipInCheckMode: true });
    expect(plan.actions).toEqual([
      {
        kind: 'exec',
        stdin: Buffer.from('#!/bin/sh\necho hi\n'),
        become: true,
        command: `d=$(mktemp -d /tmp/.tpx-XXXXXXXXXX) || exit $?; f="$d"/x.sh; if cat > "$f" && chmod 0700 "$f"; then "$f" 'a b' < /dev/null; rc=$?; else rc=$?; fi; rm -rf -- "$d"; exit $rc`,
      },
    ]);
  });

  it('runs from chdir in a subshell so the cleanup always runs', () => {
    const p = normaliseScript({ cmd: 'x.py', chdir: '/w d', executable: 'python3' });
    expect(scriptRunCommand(p, "/book/it's x.py")).toBe(
      `d=$(mktemp -d /tmp/.tpx-XXXXXXXXXX) || exit $?; f="$d"/it_s_x.py; if cat > "$f" && chmod 0700 "$f"; then (cd '/w d' && exec python3 "$f") < /dev/null; rc=$?; else rc=$?; fi; rm -rf -- "$d"; exit $rc`,
    );
  });

  it('fails clearly when the local script is missing', async () => {
    const plan = await scriptModule.plan(normaliseScript({ cmd: 'nope.sh' }), {}, makeContext({ playbookDir: '/nowhere' }));
    expect(plan).toMatchObject({
      failed: true,
      actions: [],
      msg: expect.stringMatching(/could not find 'nope.sh' \(looked in \/nowhere\/nope.sh, \/nowhere\/files\/nope.sh\)/),
    });
  });

  it('skips before reading the script when creates exists', async () => {
    const plan = await scriptModule.plan(normaliseScript({ cmd: 'nope.sh', creates: '/x' }), { creates: execResult('present\n') }, makeContext());
    expect(plan).toMatchObject({ changed: false, msg: 'skipped, since /x exists' });
  });
});

describe('script: for real', () => {
  it('runs a script found in files/ with hostile arguments, cleans up, and is idempotent with creates', async () => {
    const dir = makeTempDir();
    const work = makeTempDir();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'files'));
    writeFileSync(join(dir, 'files', 'mark.sh'), '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done > marker\npwd\necho "$0" >&2\n');
    const ctx = makeContext({ playbookDir: dir });
    const args = { _raw_params: "mark.sh 'a b' '$(touch pwned)' \"it's\"", chdir: work, creates: 'marker' };
    const first = await runLocally(scriptModule, args, ctx, '/');
    expect(first.failed).toBe(false);
    expect(first.execs[0].stdout).toBe(`${work}\n`);
    expect(readFileSync(join(work, 'marker'), 'utf8')).toBe("a b\n$(touch pwned)\nit's\n");
    expect(existsSync(join(work, 'pwned'))).toBe(false);
    const ran = first.execs[0].stderr.trim();
    expect(ran).toMatch(/^\/tmp\/\.tpx-[A-Za-z0-9]{10}\/mark\.sh$/);
    expect(existsSync(dirname(ran))).toBe(false);
    const second = await runLocally(scriptModule, args, ctx, '/');
    expect(second.plan).toMatchObject({ changed: false, actions: [] });
  });

  it('keeps the script exit code and still removes the upload', async () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'fail.sh'), 'echo "$0"\nexit 7\n');
    const run = await runLocally(scriptModule, { cmd: 'fail.sh', executable: 'sh' }, makeContext({ playbookDir: dir }), dir);
    expect(run.failed).toBe(true);
    expect(run.execs).toHaveLength(1);
    expect(run.execs[0].rc).toBe(7);
    expect(existsSync(dirname(run.execs[0].stdout.trim()))).toBe(false);
  });

  it('gives the script /dev/null as stdin, not its own text', async () => {
    const dir = makeTempDir();
    // A script that reads stdin: it must see nothing (not its own text), as with Ansible.
    writeFileSync(join(dir, 'read.sh'), '#!/bin/sh\nn=$(cat | wc -c)\necho "stdin bytes: $n"\n');
    const run = await runLocally(scriptModule, { cmd: 'read.sh' }, makeContext({ playbookDir: dir }), dir);
    expect(run.failed, run.msg).toBe(false);
    expect(run.execs[0].stdout.replace(/ +/g, ' ')).toBe('stdin bytes: 0\n');
  });
});
