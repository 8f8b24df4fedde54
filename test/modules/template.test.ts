import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModuleArgsError } from '../../src/modules/module-args.js';
import { normaliseTemplate, pythonDatetime, templateModule } from '../../src/modules/template.js';
import { makeTempDir } from './fixtures.js';
import { makeContext, runLocally } from './local-executor.js';

describe('template: parameters', () => {
  it.each<[Record<string, unknown>, Record<string, unknown>]>([
    [
      { src: 'a.j2', dest: '/etc/a' },
      { src: 'a.j2', dest: '/etc/a', backup: false, force: true, syntax: { newlineSequence: '\n', trimBlocks: true, lstripBlocks: false } },
    ],
    [{ src: 'a.j2', dest: '/etc/a', newline_sequence: '\\r\\n', trim_blocks: 'no' }, { syntax: { newlineSequence: '\r\n', trimBlocks: false } }],
    [{ src: 'a.j2', dest: '/etc/a', mode: 'preserve' }, { mode: 'preserve' }],
    [{ src: 'a.j2', dest: '/etc/a', mode: '0600' }, { mode: 0o600 }],
    [{ src: 'a.j2', dest: '/etc/a', variable_start_string: '[[', variable_end_string: ']]' }, { syntax: { variableStart: '[[', variableEnd: ']]' } }],
    [{ src: 'a.j2', dest: '/etc/a', validate: 'visudo -cf %s' }, { validate: `visudo -cf "$t"` }],
  ])('%j', (args, expected) => {
    expect(normaliseTemplate(args)).toMatchObject(expected);
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ dest: '/etc/a' }, /src/],
    [{ src: 'a.j2' }, /dest/],
    [{ src: 'a.j2', dest: '/a', newline_sequence: 'x' }, /newline_sequence needs to be one of/],
    [{ src: 'a.j2', dest: '/a', validate: 'true' }, /validate must contain %s/],
    [{ src: 'a.j2', dest: '/a', state: 'present' }, /unsupported parameter 'state'/],
    [{ src: 'a.j2', dest: '/a', follow: true }, /follow: true is not supported yet/],
  ])('refuses %j', (args, message) => {
    expect(() => normaliseTemplate(args)).toThrow(ModuleArgsError);
    expect(() => normaliseTemplate(args)).toThrow(message);
  });

  it("prints datetimes as Python's str() does", () => {
    expect(pythonDatetime(new Date(2024, 0, 2, 3, 4, 5, 6))).toBe('2024-01-02 03:04:05.006000');
    expect(pythonDatetime(new Date(2024, 0, 2, 3, 4, 5))).toBe('2024-01-02 03:04:05');
  });
});

describe('template: for real', () => {
  function book(files: Record<string, string>): string {
    const dir = makeTempDir();
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return dir;
  }

  it("renders with the task's variables, trim_blocks on, and is idempotent", async () => {
    const dir = book({
      'templates/app.conf.j2':
        '# {{ ansible_managed }}\n{% for p in ports %}\nlisten {{ p }}\n{% endfor %}\nname={{ template_path }} {{ template_destpath }}\n',
    });
    const out = makeTempDir();
    const dest = join(out, 'app.conf');
    const ctx = makeContext({ playbookDir: dir, vars: { ports: [80, 443] } });
    const first = await runLocally(templateModule, { src: 'app.conf.j2', dest, mode: '0640' }, ctx, out);
    expect(first.failed, first.msg).toBe(false);
    expect(first.plan.changed).toBe(true);
    expect(readFileSync(dest, 'utf8')).toBe(`# Ansible managed\nlisten 80\nlisten 443\nname=app.conf.j2 ${dest}\n`);
    expect(statSync(dest).mode & 0o777).toBe(0o640);
    expect((await runLocally(templateModule, { src: 'app.conf.j2', dest, mode: '0640' }, ctx, out)).plan).toMatchObject({ changed: false, actions: [] });
  });

  it("finds a role's templates first, writes into a directory dest, and preserves the template's mode", async () => {
    const dir = book({ 'roles/web/templates/site.j2': 'role {{ x }}\n', 'templates/site.j2': 'play\n' });
    chmodSync(join(dir, 'roles/web/templates/site.j2'), 0o751);
    const out = makeTempDir();
    const ctx = makeContext({ playbookDir: dir, roleDir: join(dir, 'roles/web'), vars: { x: 1 } });
    const run = await runLocally(templateModule, { src: 'site.j2', dest: out, mode: 'preserve' }, ctx, out);
    expect(run.failed, run.msg).toBe(false);
    expect(readFileSync(join(out, 'site.j2'), 'utf8')).toBe('role 1\n');
    expect(statSync(join(out, 'site.j2')).mode & 0o777).toBe(0o751);
  });

  it('predicts under --check --diff and writes nothing', async () => {
    const dir = book({ 't.j2': 'a={{ a }}\n' });
    const out = makeTempDir();
    const dest = join(out, 't');
    writeFileSync(dest, 'a=1\n');
    const run = await runLocally(templateModule, { src: 't.j2', dest }, makeContext({ playbookDir: dir, check: true, diff: true, vars: { a: 2 } }), out);
    expect(run.plan.changed).toBe(true);
    expect(run.plan.diff).toBe(`--- before: ${dest}\n+++ after: ${dest}\n@@ -1 +1 @@\n-a=1\n+a=2\n`);
    expect(readFileSync(dest, 'utf8')).toBe('a=1\n');
  });

  it('fails with the undefined variable named, a missing template, a non-UTF-8 one, and a refused validate', async () => {
    const dir = book({ 'u.j2': '{{ nope }}\n', 'ok.j2': 'x\n' });
    writeFileSync(join(dir, 'latin.j2'), Buffer.from([0xe9, 0x0a]));
    const out = makeTempDir();
    const ctx = makeContext({ playbookDir: dir });
    expect((await runLocally(templateModule, { src: 'u.j2', dest: join(out, 'u') }, ctx, out)).msg).toMatch(/nope/);
    expect((await runLocally(templateModule, { src: 'missing.j2', dest: join(out, 'm') }, ctx, out)).msg).toMatch(/could not find 'missing.j2'/);
    expect((await runLocally(templateModule, { src: 'latin.j2', dest: join(out, 'l') }, ctx, out)).msg).toBe('Template source files must be utf-8 encoded');
    const refused = await runLocally(templateModule, { src: 'ok.j2', dest: join(out, 'v'), validate: 'false %s' }, ctx, out);
    expect(refused.failed).toBe(true);
    expect(() => statSync(join(out, 'v'))).toThrow();
    const accepted = await runLocally(templateModule, { src: 'ok.j2', dest: join(out, 'v'), validate: 'grep -q x %s' }, ctx, out);
    expect(accepted.failed, accepted.msg).toBe(false);
    expect(readFileSync(join(out, 'v'), 'utf8')).toBe('x\n');
  });
});
