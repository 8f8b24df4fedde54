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
    const found = await readLocalFile('a.sh', dir);
    expect(found).toMatchObject({ path: join(dir, 'files', 'a.sh'), mode: 0o751 });
    expect(found.content.toString()).toBe('a');
    await expect(readLocalFile('b.sh', dir)).rejects.toThrow(`could not find 'b.sh' (looked in ${join(dir, 'b.sh')}, ${join(dir, 'files', 'b.sh')})`);
    await expect(readLocalFile('files', dir)).rejects.toThrow(/is a directory/);
  });

  it('reads a settled file once for many callers, and again when it changes', async () => {
    const dir = makeTempDir();
    const path = join(dir, 'pkg');
    writeFileSync(path, 'v1');
    age(path);
    const many = await Promise.all(Array.from({ length: 50 }, () => readLocalFile('pkg', dir)));
    for (const f of many) expect(f.content).toBe(many[0].content);
    writeFileSync(path, 'v2');
    age(path, 1800);
    const changed = await readLocalFile('pkg', dir);
    expect(changed.content.toString()).toBe('v2');
    expect(changed.content).not.toBe(many[0].content);
  });

  it('reads a file changed in the last seconds every time (its mtime may not tell a change)', async () => {
    const dir = makeTempDir();
    const path = join(dir, 'fresh');
    writeFileSync(path, 'v1');
    const first = await readLocalFile(path, '/');
    writeFileSync(path, 'v2');
    const second = await readLocalFile(path, '/');
    expect([first.content.toString(), second.content.toString()]).toEqual(['v1', 'v2']);
  });
});
