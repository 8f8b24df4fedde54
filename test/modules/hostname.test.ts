import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostnameFactCommand, normaliseHostname, planHostname } from '../../src/modules/hostname.js';
import { execResult, HOSTILE_NAMES, makeTempDir } from './fixtures.js';

/** The command parses as POSIX sh (dash -n) and passes shellcheck where it is installed (CI installs it). */
function expectValidSh(script: string): void {
  expect(spawnSync('dash', ['-n'], { input: script }).status).toBe(0);
  const sc = spawnSync('shellcheck', ['-s', 'dash', '-S', 'warning', '-'], { input: script, encoding: 'utf8' });
  if (sc.error === undefined) expect(sc.stdout).toBe('');
}

const fact = (stdout: string) => ({ hostname: execResult(stdout) });
const debianFile = (name: string) => fact(`strategy file\nos debian \nfqdn old.example.test\nfile\n${name}\n`);

describe('hostname: parameters', () => {
  it('reads name and use (debian means systemd, as in Ansible)', () => {
    expect(normaliseHostname({ name: 'web-01.example.test' })).toEqual({ name: 'web-01.example.test' });
    expect(normaliseHostname({ name: 'web', use: 'debian' })).toEqual({ name: 'web', use: 'systemd' });
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{}, /'name' is required/],
    [{ name: 'web', use: 'alpine' }, /use: 'alpine' is not supported/],
    [{ name: 'web', use: 'bsd' }, /'use' must be one of alpine, debian/],
    [{ name: 'x'.repeat(254) }, /'name' must be a host name/],
  ])('%j is refused', (args, message) => {
    expect(() => normaliseHostname(args)).toThrow(message);
  });

  it.each(HOSTILE_NAMES)('refuses the name %j', (name) => {
    expect(() => normaliseHostname({ name })).toThrow(/'name' must be a host name/);
  });
});

describe('hostname: the plan', () => {
  it('the fact command parses as sh (dash -n)', () => {
    for (const p of [{ name: 'a' }, { name: 'a', use: 'systemd' as const }]) expectValidSh(hostnameFactCommand(p));
  });

  it("never imports Python modules from the login directory (or tpx's own, when local) as root", () => {
    const dir = makeTempDir('tpx-hostname-cwd-');
    const marker = join(dir, 'imported');
    writeFileSync(join(dir, 'socket.py'), `open(${JSON.stringify(marker)}, "w").close()\ngetfqdn = lambda: "planted"\n`);
    const r = spawnSync('sh', ['-c', hostnameFactCommand({ name: 'a' })], { cwd: dir, encoding: 'utf8', env: { ...process.env, PYTHONPATH: dir } });
    expect(existsSync(marker)).toBe(false);
    expect(r.stdout).toMatch(/^fqdn (?!planted).+$/m);
  });

  it('without systemd, on Debian: writes /etc/hostname only, with facts and a diff', () => {
    const plan = planHostname({ name: 'web-01.example.test' }, debianFile('old'), { check: false, diff: true });
    expect(plan).toMatchObject({
      changed: true,
      actions: [{ kind: 'exec', command: "printf '%s\\n' web-01.example.test > /etc/hostname" }],
      returns: { name: 'web-01.example.test' },
      facts: { ansible_hostname: 'web-01', ansible_nodename: 'web-01.example.test', ansible_fqdn: 'old.example.test', ansible_domain: 'example.test' },
    });
    expect(plan.diff).toBe('--- before\n+++ after\n@@ -1 +1 @@\n-hostname = old\n+hostname = web-01.example.test\n');
  });

  it('is unchanged when /etc/hostname already says so (blanks around it ignored)', () => {
    expect(planHostname({ name: 'web' }, debianFile('  web  \n'), { check: false, diff: true })).toMatchObject({ changed: false, actions: [] });
  });

  it('with systemd: hostnamectl for the static name, then the transient one', () => {
    const plan = planHostname({ name: 'web' }, fact('strategy systemd\nos debian\nfqdn x\ncurrent old\nstatic old\n'), { check: false, diff: false });
    expect(plan.actions.map((a) => (a.kind === 'exec' ? a.command : ''))).toEqual([
      'hostnamectl --pretty --static set-hostname web',
      'hostnamectl --transient set-hostname web',
    ]);
    expect(plan.diff).toBeUndefined();
  });

  it('fails as Ansible does when hostnamectl fails', () => {
    const facts = { hostname: execResult('strategy file\nos debian\nfqdn x\nhnfail\n', 0, 'Command failed rc=1, out=, err=Failed to connect to bus\n') };
    expect(planHostname({ name: 'web', use: 'systemd' }, facts, { check: false, diff: false })).toMatchObject({
      failed: true,
      msg: 'Command failed rc=1, out=, err=Failed to connect to bus\n',
    });
  });

  it('refuses a host with neither systemd nor Debian', () => {
    expect(planHostname({ name: 'web' }, fact('strategy file\nos alpine \nfqdn x\nfile\nold\n'), { check: false, diff: false })).toMatchObject({
      failed: true,
      msg: expect.stringContaining('not of the Debian family'),
    });
  });
});
