import { chmodSync, existsSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LINEINFILE_MAX_BYTES, lineinfileModule, normaliseLineinfile } from '../../src/modules/lineinfile.js';
import type { FactResults } from '../../src/modules/module.js';
import { ModuleArgsError } from '../../src/modules/module-args.js';
import { execResult, HOSTILE_NAMES, makeTempDir } from './fixtures.js';
import { LINEINFILE_CASES } from './lineinfile-cases.js';
import { makeContext, runLocally } from './local-executor.js';

const ctx = makeContext();

describe('lineinfile: parameters', () => {
  it('takes aliases and defaults as Ansible does', () => {
    const p = normaliseLineinfile({ dest: '/x', regex: '^a', value: 8080 });
    expect(p).toMatchObject({ path: '/x', state: 'present', line: '8080', insertAfter: 'EOF', backrefs: false, create: false, firstMatch: false });
    expect(normaliseLineinfile({ name: '/x', line: true }).line).toBe('True');
    expect(normaliseLineinfile({ destfile: '/x', line: 'a', insertbefore: 'BOF' })).toMatchObject({ insertAfter: undefined, insertBefore: 'BOF' });
    expect(normaliseLineinfile({ path: '/x', line: 'a', validate: 'visudo -cf %s' }).validate).toBe(`visudo -cf "$t"`);
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ line: 'a' }, /'path' is required/],
    [{ path: '/x' }, /line is required with state=present/],
    [{ path: '/x', state: 'absent' }, /one of line, search_string, or regexp is required with state=absent/],
    [{ path: '/x', line: 'a', backrefs: true }, /regexp is required with backrefs=true/],
    [{ path: '/x', line: 'a', insertafter: 'EOF', insertbefore: 'BOF' }, /mutually exclusive: insertbefore\|insertafter/],
    [{ path: '/x', line: 'a', regexp: 'a', search_string: 'a' }, /mutually exclusive: regexp\|search_string/],
    [{ path: '/x', line: 'a', regexp: '(a' }, /'regexp': invalid regular expression/],
    [{ path: '/x', line: 'a', insertafter: 'a(?i:b)' }, /'insertafter': inline flags/],
    [{ path: '/x', line: 'a', validate: 'visudo -c' }, /validate must contain %s/],
    [{ path: '/x', line: 'a', state: 'present', lines: 'b' }, /did you mean 'line'/],
  ])('rejects %j', (args, message) => {
    expect(() => normaliseLineinfile(args)).toThrow(ModuleArgsError);
    expect(() => normaliseLineinfile(args)).toThrow(message);
  });
});

describe('lineinfile: edits as Ansible makes them (run on this machine)', () => {
  it.each(LINEINFILE_CASES)('%s', async (_name, before, args, after, msg) => {
    const file = join(makeTempDir(), 'f');
    writeFileSync(file, before);
    const run = await runLocally(lineinfileModule, { path: file, ...args }, ctx);
    expect(run.failed, run.msg).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe(after);
    expect(run.plan.msg).toBe(msg);
    expect(run.plan.changed).toBe(after !== before);
    // A second run changes nothing, for the cases Ansible is idempotent in.
    if (!args.backrefs || after === before) expect((await runLocally(lineinfileModule, { path: file, ...args }, ctx)).plan.changed).toBe(false);
  });

  it('creates a missing file (and its directory) only with create', async () => {
    const file = join(makeTempDir(), 'new dir', 'f');
    const refused = await runLocally(lineinfileModule, { path: file, line: 'a' }, ctx);
    expect(refused).toMatchObject({ failed: true, msg: `Destination ${file} does not exist !` });
    const run = await runLocally(lineinfileModule, { path: file, line: 'a', create: true, mode: '0600' }, ctx);
    expect(run.plan).toMatchObject({ changed: true, msg: 'line added and ownership, perms or SE linux context changed' });
    expect(readFileSync(file, 'utf8')).toBe('a\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('predicts without writing in check mode, with a diff', async () => {
    const file = join(makeTempDir(), 'f');
    writeFileSync(file, 'a\n');
    const run = await runLocally(lineinfileModule, { path: file, line: 'b' }, makeContext({ check: true, diff: true }));
    expect(run.plan).toMatchObject({ changed: true, msg: 'line added' });
    expect(run.plan.diff).toContain('+b\n');
    expect(readFileSync(file, 'utf8')).toBe('a\n');
    const missing = await runLocally(lineinfileModule, { path: `${file}.new`, line: 'b', create: true }, makeContext({ check: true }));
    expect(missing.plan).toMatchObject({ changed: true, msg: 'line added' });
    expect(existsSync(`${file}.new`)).toBe(false);
  });

  it('writes through a link to the file it points to, keeps the mode, and backs up', async () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'real'), 'a\n');
    chmodSync(join(dir, 'real'), 0o640);
    symlinkSync('real', join(dir, 'link'));
    const run = await runLocally(lineinfileModule, { path: join(dir, 'link'), line: 'b', backup: true }, ctx);
    expect(run.failed, run.msg).toBe(false);
    expect(readFileSync(join(dir, 'real'), 'utf8')).toBe('a\nb\n');
    expect(statSync(join(dir, 'real')).mode & 0o777).toBe(0o640);
    const backup = (run.plan.returns as { backup: string }).backup;
    expect(backup).toMatch(/real\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/);
    expect(readFileSync(backup, 'utf8')).toBe('a\n');
  });

  it('sets only the attributes when the line is there', async () => {
    const file = join(makeTempDir(), 'f');
    writeFileSync(file, 'a\n');
    chmodSync(file, 0o644);
    const run = await runLocally(lineinfileModule, { path: file, line: 'a', mode: '0600' }, ctx);
    expect(run.plan).toMatchObject({ changed: true, msg: 'ownership, perms or SE linux context changed' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('does not replace the file when validate refuses it', async () => {
    const file = join(makeTempDir(), 'f');
    writeFileSync(file, 'a\n');
    const run = await runLocally(lineinfileModule, { path: file, line: 'b', validate: 'grep -q nothing-such %s' }, ctx);
    expect(run.failed).toBe(true);
    expect(run.msg).toContain('failed to validate: rc:1');
    expect(readFileSync(file, 'utf8')).toBe('a\n');
    const ok = await runLocally(lineinfileModule, { path: file, line: 'b', validate: 'grep -q b %s' }, ctx);
    expect(ok.failed, ok.msg).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('a\nb\n');
  });

  it.each(HOSTILE_NAMES)('handles the file name %j', async (name) => {
    const file = join(makeTempDir(), name);
    writeFileSync(file, 'a\n');
    const run = await runLocally(lineinfileModule, { path: file, regexp: '^a', line: 'b' }, ctx);
    expect(run.failed, run.msg).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('b\n');
  });

  it('refuses a directory and a non-UTF-8 file', async () => {
    const dir = makeTempDir();
    expect(await runLocally(lineinfileModule, { path: dir, line: 'a' }, ctx)).toMatchObject({ failed: true, msg: `Path ${dir} is a directory !` });
    writeFileSync(join(dir, 'bin'), Buffer.from([0x61, 0xff, 0x0a]));
    const run = await runLocally(lineinfileModule, { path: join(dir, 'bin'), line: 'b' }, ctx);
    expect(run).toMatchObject({ failed: true });
    expect(run.msg).toContain('is not UTF-8 text');
  });
});

describe('lineinfile: hostile fact output', () => {
  const p = normaliseLineinfile({ path: '/etc/x', line: 'a' });
  const plan = (stdout: string, extra: Partial<ReturnType<typeof execResult>> = {}) =>
    lineinfileModule.plan(p, { file: { ...execResult(stdout), ...extra } } as FactResults, ctx);

  it('refuses a file larger than it reads, naming the limit', async () => {
    const big = LINEINFILE_MAX_BYTES + 1;
    expect(await plan(`/etc/x\0tpx-stat file 644 0 root 0 root ${big} abc\n`)).toMatchObject({
      failed: true,
      msg: `/etc/x is ${big} bytes; lineinfile reads files of up to 16 MiB`,
    });
  });

  it('refuses output cut by tpx_output_limit', async () => {
    expect(await plan('/etc/x\0tpx-stat file 644 0 root 0 root 5000000 abc\nab', { stdoutDropped: 10 })).toMatchObject({
      failed: true,
      msg: expect.stringContaining('more than tpx_output_limit keeps'),
    });
  });

  it('refuses content that does not hash as the host said', async () => {
    expect(await plan('/etc/x\0tpx-stat file 644 0 root 0 root 2 0000\na\n')).toMatchObject({ failed: true, msg: expect.stringContaining('not UTF-8') });
  });

  it('writes to the resolved path the host named, quoted', async () => {
    const r = await plan("/etc/it's\nnew\0tpx-stat absent\n");
    expect(r).toMatchObject({ failed: true, msg: 'Destination /etc/x does not exist !' });
    const created = await lineinfileModule.plan(
      normaliseLineinfile({ path: '/etc/x', line: 'a', create: true }),
      { file: execResult("/etc/it's\nnew\0tpx-stat absent\n") },
      ctx,
    );
    expect(created.actions[0]).toMatchObject({ kind: 'exec', display: `write '/etc/it'\\''s\nnew' (2 bytes from stdin)` });
  });
});
