/**
 * blockinfile and replace, table-driven: each case (test/modules/text-modules-cases.json) was
 * run by ansible-core 2.14 (`ansible localhost -c local -m MODULE -a ARGS`) on a file holding
 * `initial`, and `expected` is what Ansible answered (failed, changed, msg) and left in the file.
 * Here the same arguments run through tpx's module on this machine (facts, plan, actions with
 * /bin/sh), twice: the second run must change nothing. Paths in messages are the case's file.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockinfileModule, normaliseBlockinfile } from '../../src/modules/blockinfile.js';
import { ModuleArgsError } from '../../src/modules/module-args.js';
import type { ModuleDefinition } from '../../src/modules/module.js';
import { normaliseReplace, replaceMaxBytes, replaceModule } from '../../src/modules/replace.js';
import { makeTempDir } from './fixtures.js';
import { makeContext, runLocally, runShell } from './local-executor.js';
import CASES from './text-modules-cases.json' with { type: 'json' };

interface Case {
  readonly module: 'blockinfile' | 'replace';
  readonly name: string;
  readonly initial: string | null;
  readonly args: Record<string, unknown>;
  readonly expected: { failed: boolean; changed: boolean; msg: string; after: string | null };
  /** false: Ansible changes the file again on every run too (an empty match). */
  readonly idempotent?: boolean;
}

const MODULES: Record<Case['module'], ModuleDefinition<unknown>> = {
  blockinfile: blockinfileModule as ModuleDefinition<unknown>,
  replace: replaceModule as ModuleDefinition<unknown>,
};

describe.each(['blockinfile', 'replace'] as const)('%s answers as Ansible', (module) => {
  it.each((CASES as Case[]).filter((c) => c.module === module).map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const dir = makeTempDir();
    const path = join(dir, 'f');
    if (c.initial !== null) writeFileSync(path, c.initial);
    const args = { ...c.args, path };
    const run = await runLocally(MODULES[module], args, makeContext(), dir);
    const msg = c.expected.msg.replace(/\/tmp\/oracle\/[^/]+\/f/g, path);
    expect({ failed: run.failed, changed: run.plan.changed || run.failed ? run.plan.changed : false, msg: run.plan.msg ?? '' }).toEqual({
      failed: c.expected.failed,
      changed: c.expected.changed,
      msg,
    });
    expect(existsSync(path) ? readFileSync(path, 'utf8') : null).toBe(c.expected.after);
    if (!c.expected.failed && c.idempotent !== false) {
      const again = await runLocally(MODULES[module], args, makeContext(), dir);
      expect(again.plan.changed, 'a second run changes nothing').toBe(false);
    }
  });
});

describe('blockinfile and replace: parameters', () => {
  it.each<[(raw: Record<string, unknown>) => unknown, Record<string, unknown>, RegExp]>([
    [normaliseBlockinfile, { path: '/a', insertafter: 'x', insertbefore: 'y' }, /mutually exclusive: insertbefore\|insertafter/],
    [normaliseBlockinfile, { path: '/a', insertafter: '(?<bad' }, /'insertafter'/],
    [normaliseBlockinfile, { path: '/a', validate: 'true' }, /validate must contain %s/],
    [normaliseBlockinfile, { path: '/a', state: 'gone' }, /state/],
    [normaliseReplace, { path: '/a' }, /regexp/],
    [normaliseReplace, { path: '/a', regexp: 'x', validate: 'x' }, /validate must contain %s/],
  ])('refuses %#', (normalise, args, message) => {
    expect(() => normalise(args)).toThrow(ModuleArgsError);
    expect(() => normalise(args)).toThrow(message);
  });
});

describe('blockinfile and replace: for real', () => {
  it('write through a link to its target, as Ansible does, keep mode, back up and predict under --check --diff', async () => {
    const dir = makeTempDir();
    const target = join(dir, 'target');
    writeFileSync(target, 'a=1\n', { mode: 0o640 });
    const { symlinkSync, lstatSync } = await import('node:fs');
    symlinkSync(target, join(dir, 'link'));
    const check = await runLocally(replaceModule, { path: join(dir, 'link'), regexp: '1', replace: '2' }, makeContext({ check: true, diff: true }), dir);
    expect(check.plan).toMatchObject({ changed: true, msg: '1 replacements made' });
    expect(check.plan.diff).toContain('-a=1\n+a=2\n');
    expect(readFileSync(target, 'utf8')).toBe('a=1\n');
    const run = await runLocally(replaceModule, { path: join(dir, 'link'), regexp: '1', replace: '2', backup: true }, makeContext(), dir);
    expect(run.failed, run.msg).toBe(false);
    expect(readFileSync(target, 'utf8')).toBe('a=2\n');
    expect(lstatSync(join(dir, 'link')).isSymbolicLink()).toBe(true);
    expect(statSync(target).mode & 0o777).toBe(0o640);
    expect(readFileSync(run.plan.returns!.backup_file as string, 'utf8')).toBe('a=1\n');
    const block = await runLocally(blockinfileModule, { path: join(dir, 'link'), block: 'b=1', mode: '0600' }, makeContext({ diff: true }), dir);
    expect(block.plan.msg).toBe('Block inserted and ownership, perms or SE linux context changed');
    expect(readFileSync(target, 'utf8')).toBe('a=2\n# BEGIN ANSIBLE MANAGED BLOCK\nb=1\n# END ANSIBLE MANAGED BLOCK\n');
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(lstatSync(join(dir, 'link')).isSymbolicLink()).toBe(true);
  });

  it('replace changes nothing when its host program read another file than the one the walk checked (a link changed meanwhile)', async () => {
    const dir = makeTempDir();
    const [checked, read] = [join(dir, 'checked'), join(dir, 'read')];
    writeFileSync(checked, 'a=1\n');
    writeFileSync(read, 'a=1\n');
    const ctx = makeContext();
    const facts = (path: string) =>
      Object.fromEntries(
        replaceModule.facts!(normaliseReplace({ path, regexp: '1', replace: '2' }), ctx).map((f) => [f.key, runShell(f.command, dir, f.stdin)]),
      );
    const plan = await replaceModule.plan(
      normaliseReplace({ path: checked, regexp: '1', replace: '2' }),
      { state: facts(checked).state, replace: facts(read).replace },
      ctx,
    );
    expect(plan).toMatchObject({
      failed: true,
      msg: `${checked} led to ${read} when read, not to ${checked} as checked (a link on its way changed meanwhile?); not changed: run it again`,
      actions: [],
    });
    // The walk names the file it checked in the state fact, before its state.
    expect(facts(checked).state.stdout).toMatch(new RegExp(`^${checked}\\0tpx-stat file `));
  });

  it('a refused validate leaves the file as it was', async () => {
    const dir = makeTempDir();
    const path = join(dir, 'f');
    writeFileSync(path, 'a\n');
    for (const [module, args] of [
      [replaceModule, { regexp: 'a', replace: 'b' }],
      [blockinfileModule, { block: 'b' }],
    ] as const) {
      const run = await runLocally(module as ModuleDefinition<unknown>, { ...args, path, validate: 'false %s' }, makeContext(), dir);
      expect(run.failed).toBe(true);
      expect(readFileSync(path, 'utf8')).toBe('a\n');
    }
  });

  it('replace does not hang on a FIFO (or device) someone put at path: it reads regular files only', async () => {
    const dir = makeTempDir();
    const path = join(dir, 'fifo');
    runShell(`mkfifo ${path}`, dir);
    const started = Date.now();
    const run = await runLocally(replaceModule, { path, regexp: 'a', replace: 'b' }, makeContext(), dir);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.msg).toBe(`Unable to read the contents of ${path}: not a regular file`);
  });

  it('replace refuses a file larger than its output limit allows, without reading it whole, and names a bad regexp', async () => {
    const dir = makeTempDir();
    const path = join(dir, 'big');
    const vars = { tpx_output_limit: '8k' };
    writeFileSync(path, 'x'.repeat(replaceMaxBytes(vars, false) + 1));
    const big = await runLocally(replaceModule, { path, regexp: 'x', replace: 'y' }, makeContext({ vars }), dir);
    expect(big.msg).toMatch(/big is \d+ bytes; replace reads files of up to .* raise it for this task/);
    const bad = await runLocally(replaceModule, { path, regexp: '(', replace: 'y' }, makeContext(), dir);
    expect(bad.msg).toMatch(/^error: missing \), unterminated subpattern/);
  });
});
