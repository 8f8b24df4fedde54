/**
 * trustedSourceCheck, run by the real sh as root on a tree laid out as another local user
 * would lay it: what root reads for `copy remote_src` and `unarchive remote_src` must be a file
 * nobody else can choose or change — it and every directory above it root's (or the login
 * user's), none writable by group or others but a sticky one.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trustedSourceCheck } from '../../src/modules/write-file-command.js';
import { quoteArg } from '../../src/shell/quote.js';

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;
let base = '';

beforeAll(() => {
  if (!asRoot) return;
  // Under /var/tmp: a root-owned 0700 directory of the test's own, then the layout inside it.
  base = mkdtempSync('/var/tmp/tpx-trusted-source-');
  chmodSync(base, 0o755);
  writeFileSync(join(base, 'secret'), 'root only\n', { mode: 0o600 });
  writeFileSync(join(base, 'plain'), 'root file\n', { mode: 0o644 });
  writeFileSync(join(base, 'open'), 'anyone may write\n');
  chmodSync(join(base, 'open'), 0o666);
  mkdirSync(join(base, 'ww'));
  chmodSync(join(base, 'ww'), 0o1777);
  writeFileSync(join(base, 'ww', 'roots'), 'root file in a sticky directory\n', { mode: 0o644 });
  mkdirSync(join(base, 'ww', 'sub'));
  chownSync(join(base, 'ww', 'sub'), NOBODY, NOBODY);
  symlinkSync(join(base, 'secret'), join(base, 'ww', 'sub', 'f'));
  mkdirSync(join(base, 'shared'));
  chmodSync(join(base, 'shared'), 0o777);
  writeFileSync(join(base, 'shared', 'f'), 'root file in a directory anyone may write\n', { mode: 0o644 });
});
afterAll(() => {
  if (base) rmSync(base, { recursive: true, force: true });
});

function check(path: string, env: Record<string, string> = {}): { code: number | null; stderr: string } {
  const r = spawnSync('sh', ['-c', `s=${quoteArg(path)}; ${trustedSourceCheck('s')}echo passed`], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
  });
  if (r.status === 0) expect(r.stdout).toBe('passed\n');
  return { code: r.status, stderr: r.stderr };
}

describe.skipIf(!asRoot)('trustedSourceCheck (as root)', () => {
  it('lets root read its own file, also in a sticky directory', () => {
    expect(check(join(base, 'plain')).code).toBe(0);
    expect(check(join(base, 'ww', 'roots')).code).toBe(0);
  });

  it("refuses a link in another user's directory inside /tmp-like space: it would choose root's file", () => {
    const r = check(join(base, 'ww', 'sub', 'f'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`: ${join(base, 'ww', 'sub')} belongs to uid ${NOBODY}: another user could choose or change what root reads`);
  });

  it('refuses a file anyone may write, and a file in a directory anyone may write (no sticky bit)', () => {
    expect(check(join(base, 'open')).stderr).toContain(`${join(base, 'open')} is writable by group or others`);
    expect(check(join(base, 'shared', 'f')).stderr).toContain(`${join(base, 'shared')} is writable by group or others`);
  });

  it("trusts the login user's directories (sudo's SUDO_UID)", () => {
    expect(check(join(base, 'ww', 'sub', 'f'), { SUDO_UID: String(NOBODY) }).code).toBe(0);
  });

  it('leaves a missing file to the module (it says "not found")', () => {
    expect(check(join(base, 'missing')).code).toBe(0);
  });
});
