import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLocalFile } from '../../src/modules/local-file.js';
import { makeTempDir } from './fixtures.js';

/** Sets a file's times an hour back, so it counts as settled and may be cached. */
function age(path: string, secondsAgo = 3600): void {
  const t = Date.now() / 1000 - secondsAgo;
  utimesSync(path, t, t);
}

describe('readLocalFile', () => {
  it('finds a relative path in the playbook directory, then in files/', async () => {
    const dir = makeTempDir();
    mkdirSync(join(dir, 'files'));
    writeFileSync(join(dir, 'files', 'a.sh'), 'a', { mode: 0o751 });
    const found = await readLocalFile('a.sh', { playbookDir: dir });
    expect(found).toMatchObject({ path: join(dir, 'files', 'a.sh'), mode: 0o751 });
    expect(found.content.toString()).toBe('a');
    await expect(readLocalFile('b.sh', { playbookDir: dir })).rejects.toThrow(
      `could not find 'b.sh' (looked in ${join(dir, 'b.sh')}, ${join(dir, 'files', 'b.sh')})`,
    );
    await expect(readLocalFile('files', { playbookDir: dir })).rejects.toThrow(/is a directory/);
  });

  it("for a role's task, looks in the role's files/ and the role's directory first", async () => {
    const dir = makeTempDir();
    const role = join(dir, 'roles', 'web');
    mkdirSync(join(role, 'files'), { recursive: true });
    writeFileSync(join(role, 'files', 'a.conf'), 'role');
    writeFileSync(join(dir, 'a.conf'), 'playbook');
    writeFileSync(join(dir, 'b.conf'), 'playbook b');
    expect((await readLocalFile('a.conf', { playbookDir: dir, roleDir: role })).content.toString()).toBe('role');
    expect((await readLocalFile('b.conf', { playbookDir: dir, roleDir: role })).content.toString()).toBe('playbook b');
    expect((await readLocalFile('a.conf', { playbookDir: dir })).content.toString()).toBe('playbook');
  });

  it('reads a settled file once for many callers, and again when it changes', async () => {
    const dir = makeTempDir();
    const path = join(dir, 'pkg');
    writeFileSync(path, 'v1');
    age(path);
    const many = await Promise.all(Array.from({ length: 50 }, () => readLocalFile('pkg', { playbookDir: dir })));
    for (const f of many) expect(f.content).toBe(many[0].content);
    writeFileSync(path, 'v2');
    age(path, 1800);
    const changed = await readLocalFile('pkg', { playbookDir: dir });
    expect(changed.content.toString()).toBe('v2');
    expect(changed.content).not.toBe(many[0].content);
  });

  it('reads a file changed in the last seconds every time (its mtime may not tell a change)', async () => {
    const dir = makeTempDir();
    const path = join(dir, 'fresh');
    writeFileSync(path, 'v1');
    const first = await readLocalFile(path, { playbookDir: '/' });
    writeFileSync(path, 'v2');
    const second = await readLocalFile(path, { playbookDir: '/' });
    expect([first.content.toString(), second.content.toString()]).toEqual(['v1', 'v2']);
  });
});
