import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listTarEntries, topLevelNames } from '../../src/modules/tar-listing.js';
import { makeTempDir } from './fixtures.js';
import { runShell } from './local-executor.js';

describe('listTarEntries', () => {
  it.each(['gnu', 'ustar', 'pax'])('reads the names GNU tar (--format=%s) writes, long ones included', (format) => {
    const dir = makeTempDir();
    const long = `a/${'d'.repeat(90)}/${'f'.repeat(90)}`;
    mkdirSync(join(dir, 'src', 'a', 'd'.repeat(90)), { recursive: true });
    writeFileSync(join(dir, 'src', long), 'x');
    writeFileSync(join(dir, 'src', 'sp ace $(x)'), 'y');
    const r = runShell(`cd src && tar --format=${format} -czf ../a.tgz -- *`, dir);
    expect(r.rc, r.stderr).toBe(0);
    const listed = runShell('tar -tzf a.tgz', dir).stdout.trim().split('\n');
    expect(listEntries(join(dir, 'a.tgz'))).toEqual(listed);
  });

  function listEntries(path: string): readonly string[] {
    return listTarEntries(readFileSync(path));
  }
});

describe('topLevelNames', () => {
  it.each<[string[], number, string[]]>([
    [['kuma-2.10.1/', 'kuma-2.10.1/bin/kumactl', 'README'], 0, ['README', 'kuma-2.10.1']],
    [['kuma-2.10.1/', 'kuma-2.10.1/bin/kumactl'], 1, ['bin']],
    [['./', './a/b', './c'], 0, ['a', 'c']],
    [['./a/b'], 1, ['a']],
    [['x'], 1, []],
  ])('%j strip %i → %j', (entries, strip, tops) => {
    expect(topLevelNames(entries, strip)).toEqual(tops);
  });
});
