import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'tpx.js');
let dir: string;

function tpx(args: string[], cwd = dir): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js')) || process.env.TPX_TEST_BUILD === '1') {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore', timeout: 120_000 });
  }
  dir = mkdtempSync(join(tmpdir(), 'tpx-validate-'));
  writeFileSync(join(dir, 'ok.yaml'), '- hosts: all\n  tasks:\n    - command: uptime\n    - block:\n        - debug: {msg: hi}\n');
  writeFileSync(join(dir, 'bad.yaml'), '- hosts: all\n  tasks:\n    - name: greet\n      debug: {msg: hi}\n      whn: x == 1\n    - shel: ls\n');
  writeFileSync(join(dir, 'inv.yaml'), 'all:\n  children:\n    web:\n      hosts:\n        web-1: {}\n');
  writeFileSync(join(dir, 'webs.yaml'), '- hosts: webz\n  tasks:\n    - command: uptime\n');
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('tpx validate', () => {
  it('prints ok with the number of plays and tasks and exits 0', () => {
    const r = tpx(['validate', 'ok.yaml']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('ok: ok.yaml (1 play, 2 tasks)\n');
    expect(r.code).toBe(0);
  });

  it('exits 4 with FILE:LINE:COL, the offending line and a caret, for every problem, and no stack trace', () => {
    const r = tpx(['validate', 'bad.yaml']);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        'bad.yaml:5:7: unknown key "whn" in task; did you mean "when"?',
        '5 |       whn: x == 1',
        '          ^',
        '',
        'bad.yaml:6:7: unknown module "shel"; did you mean "shell"?',
        '6 |     - shel: ls',
        '          ^',
        '2 errors found; nothing was run.',
        '',
      ].join('\n'),
    );
    expect(r.stderr).not.toMatch(/\bat .*\(.*:\d+:\d+\)|Error:/);
  });

  it('checks hosts against the inventory given with -i', () => {
    const r = tpx(['validate', 'webs.yaml', '-i', 'inv.yaml']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('webs.yaml:1:10: hosts names "webz", which is neither a host nor a group of the inventory; did you mean "web"?');
    const ok = tpx(['validate', 'ok.yaml', '-i', 'inv.yaml']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('ok: ok.yaml (1 play, 2 tasks)\n');
  });

  it('a missing playbook is a bad command-line argument (exit 5), as a missing inventory is', () => {
    const r = tpx(['validate', 'nope.yaml']);
    expect(r.code).toBe(5);
    expect(r.stderr).toBe('tpx: playbook not found: nope.yaml\n');
    const inventory = tpx(['validate', join(ROOT, 'playbooks', 'upgrade.yaml'), '-i', 'nope-inventory.yaml']);
    expect(inventory.code).toBe(5);
    expect(inventory.stderr).toBe('tpx: inventory not found: nope-inventory.yaml\n');
  });

  it("decrypts the inventory's vault data with --vault-id / --vault-password-file, and refuses it without", () => {
    const vault = join(ROOT, 'test', 'fixtures', 'vault');
    const estate = mkdtempSync(join(dir, 'vault-'));
    mkdirSync(join(estate, 'group_vars'));
    writeFileSync(join(estate, 'inv.yaml'), 'all:\n  children:\n    web:\n      hosts:\n        web-1: {}\n');
    copyFileSync(join(vault, 'labelled-1.2.vault'), join(estate, 'group_vars', 'web.yml'));
    const refused = tpx(['validate', join(dir, 'ok.yaml'), '-i', 'inv.yaml'], estate);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain(
      `${join('group_vars', 'web.yml')}:1:1: this vars file is encrypted with Ansible Vault: give its password with --vault-password-file FILE`,
    );
    const ok = tpx(['validate', join(dir, 'ok.yaml'), '-i', 'inv.yaml', '--vault-id', `prod@${join(vault, 'prod-password')}`], estate);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
  });

  it('run and validate --help name the vault options', () => {
    for (const command of ['run', 'validate']) {
      const r = tpx([command, '--help']);
      for (const flag of ['--vault-password-file', '--vault-id', '-J, --ask-vault-pass']) expect(r.stdout).toContain(flag);
    }
  });
});
