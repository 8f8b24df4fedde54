import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { includeVarsModule, normaliseIncludeVars } from '../../src/modules/include-vars.js';
import { varsFileCandidates } from '../../src/modules/include-vars-files.js';
import { makeTempDir } from './fixtures.js';
import { readVarsFile } from '../../src/inventory/read-vars-file.js';
import { makeContext as baseContext, runLocally } from './local-executor.js';

const makeContext: typeof baseContext = (overrides) => baseContext({ readVarsFile: (file) => readVarsFile(file), ...overrides });

function tree(files: Record<string, string>): string {
  const dir = makeTempDir('tpx-include-vars-');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('include_vars', () => {
  it('reads a free-form line as Ansible does, and refuses what Ansible refuses', () => {
    expect(normaliseIncludeVars({ _raw_params: 'a.yml name=site' })).toEqual({ kind: 'file', file: 'a.yml', name: 'site' });
    expect(normaliseIncludeVars({ dir: 'd', ignore_files: 'x.yml y.yml', extensions: 'yml' })).toMatchObject({
      kind: 'dir',
      depth: 0,
      ignoreFiles: ['x.yml', 'y.yml'],
      extensions: ['y', 'm', 'l'],
    });
    expect(() => normaliseIncludeVars({ file: 'a.yml', dir: 'd' })).toThrow('You are mixing file only and dir only arguments, these are incompatible');
    expect(() => normaliseIncludeVars({ file: 'a.yml', hash_behaviour: 'merge' })).toThrow(/only 'replace'/);
    expect(() => normaliseIncludeVars({})).toThrow(/give the vars file/);
  });

  it('looks in the role, beside the task file, then in the playbook directory, vars/ first', () => {
    const where = { playbookDir: '/pb', roleDir: '/pb/roles/r', taskFile: '/pb/roles/r/tasks/main.yml' };
    expect(varsFileCandidates('a.yml', where)).toEqual([
      '/pb/roles/r/vars/a.yml',
      '/pb/roles/r/a.yml',
      '/pb/roles/r/tasks/vars/a.yml',
      '/pb/roles/r/tasks/a.yml',
      '/pb/vars/a.yml',
      '/pb/a.yml',
    ]);
    expect(varsFileCandidates('vars/a.yml', { playbookDir: '/pb', taskFile: '/pb/site.yml' })).toEqual(['/pb/vars/a.yml', '/pb/vars/a.yml']);
  });

  it('returns the variables as facts, under name when given, with the files read', async () => {
    const dir = tree({ 'vars/a.yml': 'x: 1\ny: [a]\n', 'site.yml': '' });
    const ctx = makeContext({ playbookDir: dir, taskFile: join(dir, 'site.yml'), check: true });
    const run = await runLocally(includeVarsModule, { _raw_params: 'a.yml' }, ctx);
    expect(run.plan).toMatchObject({ changed: false, facts: { x: 1, y: ['a'] }, returns: { ansible_included_var_files: [join(dir, 'vars/a.yml')] } });
    expect((await runLocally(includeVarsModule, { file: 'a.yml', name: 'site' }, ctx)).plan.facts).toEqual({ site: { x: 1, y: ['a'] } });
  });

  it("fails with Ansible's messages", async () => {
    const dir = tree({ 'list.yml': '- 1\n', 'site.yml': '' });
    const ctx = makeContext({ playbookDir: dir, taskFile: join(dir, 'site.yml') });
    expect((await runLocally(includeVarsModule, { file: 'list.yml' }, ctx)).msg).toBe(`${join(dir, 'list.yml')} must be stored as a dictionary/hash`);
    const missing = await runLocally(includeVarsModule, { file: 'nope.yml' }, ctx);
    expect(missing.msg).toBe(
      `Could not find or access 'nope.yml'\nSearched in:\n\t${dir}/vars/nope.yml\n\t${dir}/nope.yml\n\t${dir}/vars/nope.yml\n\t${dir}/nope.yml on the Ansible Controller.\nIf you are using a module and expect the file to exist on the remote, see the remote_src option`,
    );
    expect(missing.plan.returns).toMatchObject({ message: missing.msg });
    expect((await runLocally(includeVarsModule, { dir: 'nope' }, ctx)).msg).toBe(`${join(dir, 'nope')} directory does not exist`);
  });

  it('reads a directory in Ansible order: directories sorted by path, depth counting directories, files by name', async () => {
    const dir = tree({
      'site.yml': '',
      'conf/b.yml': 'b: 1\nwho: b\n',
      'conf/a.yaml': 'a: 1\nwho: a\n',
      'conf/sub/c.json': '{"c": 1, "who": "c"}',
      'conf/sub-x/d.yml': 'd: 1\n',
      'conf/skip.yml': 'skip: 1\n',
      'conf/notes.txt': 'text',
    });
    symlinkSync(join(dir, 'conf/sub'), join(dir, 'conf/linked'));
    const ctx = makeContext({ playbookDir: dir, taskFile: join(dir, 'site.yml') });
    const all = await runLocally(includeVarsModule, { dir: 'conf', ignore_files: ['skip.yml'], ignore_unknown_extensions: true }, ctx);
    expect(all.plan.facts).toEqual({ a: 1, b: 1, c: 1, d: 1, who: 'c' });
    expect(all.plan.returns?.ansible_included_var_files).toEqual(['conf/a.yaml', 'conf/b.yml', 'conf/sub/c.json', 'conf/sub-x/d.yml'].map((f) => join(dir, f)));
    const two = await runLocally(includeVarsModule, { dir: 'conf', depth: 2, files_matching: '^[a-d]', ignore_unknown_extensions: true }, ctx);
    expect(two.plan.facts).toEqual({ a: 1, b: 1, c: 1, who: 'c' });
    const strict = await runLocally(includeVarsModule, { dir: 'conf' }, ctx);
    expect(strict.msg).toBe(`${join(dir, 'conf/notes.txt')} does not have a valid extension: yaml, yml, json`);
  });
});
