import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normaliseService, planService, serviceModule, serviceScript, type ServiceParams } from '../../src/modules/service.js';
import { execResult, HOSTILE_NAMES } from './fixtures.js';
import { makeContext } from './local-executor.js';

const demo: ServiceParams = { name: 'tpx-demo', state: 'started', sleep: 0, arguments: [] };

describe('service: parameters', () => {
  it('reads Ansible aliases and types', () => {
    expect(
      normaliseService({ name: 'nginx', state: 'restarted', enabled: 'yes', sleep: '2', args: "-v 'two words'", runlevel: 'default', use: 'auto' }),
    ).toEqual({
      name: 'nginx',
      state: 'restarted',
      enabled: true,
      pattern: undefined,
      sleep: 2,
      arguments: ['-v', 'two words'],
    });
    expect(normaliseService({ name: 'getty@tty1', enabled: false })).toMatchObject({ state: undefined, enabled: false });
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ name: 'nginx' }, /one of the following is required: state, enabled/],
    [{ state: 'started' }, /'name' is required/],
    [{ name: 'nginx', state: 'running' }, /'state' must be one of started, stopped, restarted, reloaded/],
    [{ name: 'nginx', state: 'started', use: 'sysvinit' }, /use: 'sysvinit' is not supported yet/],
    [{ name: 'nginx', state: 'started', arguments: "'open" }, /'arguments'/],
    [{ name: 'nginx', state: 'started', pattern: 'a\0b' }, /'pattern' cannot hold a NUL byte/],
    [{ name: 'nginx', state: 'started', args: 'a', arguments: 'b' }, /same parameter/],
    [{ name: 'nginx', state: 'started', enable: true }, /did you mean 'enabled'/],
  ])('%j is refused', (args, message) => {
    expect(() => normaliseService(args)).toThrow(message);
  });

  it.each([...HOSTILE_NAMES, '../etc/passwd', 'a/b', '-f', '.hidden', '', 'rc?.d', 'x[1]'])('refuses the service name %j', (name) => {
    expect(() => normaliseService({ name, state: 'started' })).toThrow(name === '' ? /'name' is required/ : /'name' must be a service name/);
  });
});

describe('service: the host command', () => {
  it('sends the parameters and the script on stdin, nothing on the command line', () => {
    const p = normaliseService({ name: 'tpx-demo', state: 'started', pattern: "it's $(here)", arguments: '--x "$HOME"' });
    const [fact] = serviceModule.facts?.(p, makeContext({ become: true })) ?? [];
    expect(fact).toMatchObject({ key: 'service', command: 'sh -s', become: true });
    const stdin = String(fact.stdin);
    expect(stdin).toContain("pattern='it'\\''s $(here)'\nhas_pattern=1\n");
    expect(stdin).toContain("set -- --x '$HOME'\n");
    expect(stdin).toContain('check=0\n');
    expect(serviceScript(p, true)).toContain('check=1\n');
  });

  it('the preamble sets what it says (dash reads it back)', () => {
    const p = normaliseService({ name: 'tpx-demo', state: 'stopped', enabled: 'no', pattern: '`x` "y"', args: 'a b' });
    const preamble = serviceScript(p, false).split('#!/bin/sh')[0];
    const r = spawnSync('dash', ['-c', `${preamble}\nprintf '%s|' "$name" "$state" "$enabled" "$pattern" "$has_pattern" "$sleep_s" "$check" "$@"`], {
      encoding: 'utf8',
    });
    expect(r.stdout).toBe('tpx-demo|stopped|no|`x` "y"|1|0|0|a|b|');
  });

  it("on a host without the service, fails with Ansible's message", () => {
    const stdin = serviceScript({ ...demo, name: 'tpx-unit-no-such-service' }, true);
    const r = spawnSync('sh', ['-s'], { input: stdin, encoding: 'utf8' });
    expect(r.stdout).toBe('TPXSERVICE failed 0 full\nCould not find the requested service tpx-unit-no-such-service: host');
  });
});

describe('service: the answer', () => {
  it.each<[string, ServiceParams, Record<string, unknown>]>([
    ['TPXSERVICE ok 1 full\n', demo, { changed: true, returns: { name: 'tpx-demo', state: 'started' } }],
    [
      'TPXSERVICE ok 0 full\n',
      { ...demo, state: 'reloaded', enabled: false },
      { changed: false, returns: { name: 'tpx-demo', enabled: false, state: 'started' } },
    ],
    ['TPXSERVICE ok 0 full\n', { ...demo, state: 'stopped' }, { changed: false, returns: { name: 'tpx-demo', state: 'stopped' } }],
    ['TPXSERVICE ok 1 full\n', { ...demo, state: undefined, enabled: true }, { changed: true, returns: { name: 'tpx-demo', enabled: true } }],
    ['TPXSERVICE ok 1 bare\nservice state changed', demo, { changed: true, msg: 'service state changed' }],
    ['TPXSERVICE ok 1 bare\n', { ...demo, enabled: true }, { changed: true }],
    ['TPXSERVICE failed 0 full\nx: cannot start\n', demo, { changed: false, failed: true, msg: 'x: cannot start\n' }],
  ])('%j', (stdout, p, expected) => {
    expect(planService(p, { service: execResult(stdout) })).toEqual({ actions: [], ...expected });
  });

  it('a host command that did not answer is a failure naming its stderr', () => {
    expect(() => planService(demo, { service: execResult('', 2, 'sh: 1: mktemp: not found\n') })).toThrow(
      /the service command on the host failed: sh: 1: mktemp: not found/,
    );
  });
});

describe.skipIf(process.getuid?.() !== 0)('service: pattern, with other users on the host (security review)', () => {
  /**
   * Runs host/service.sh in a private mount namespace where /etc/init.d holds only a demo init
   * script, with a `ps` that prints PS_OUT (and no other tool of the host changed).
   */
  function runWithPs(psOut: string | Buffer, p: ServiceParams): string {
    const dir = mkdtempSync(join(tmpdir(), 'tpx-service-ps-'));
    try {
      writeFileSync(join(dir, 'ps.out'), psOut);
      writeFileSync(join(dir, 'ps'), `#!/bin/sh\ncat ${dir}/ps.out\n`, { mode: 0o755 });
      const setup = `mount -t tmpfs tmpfs /etc/init.d && printf '#!/bin/sh\\nexit 0\\n' > /etc/init.d/${p.name} && chmod 755 /etc/init.d/${p.name} && PATH=${dir}:$PATH exec sh -s`;
      const r = spawnSync('unshare', ['-m', 'sh', '-c', setup], {
        input: serviceScript(p, true),
        encoding: 'utf8',
        timeout: 20_000,
        env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
      });
      return r.stdout + r.stderr;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('finds the pattern in the whole of ps output, not only its first 64 KiB (other users cannot push it out)', () => {
    const p: ServiceParams = { ...demo, state: 'started', pattern: '/usr/sbin/tpx-demo-daemon' };
    const filler = `nobody 1 0.0 0.0 1 1 ? S 00:00 0:00 sleep ${'x'.repeat(1000)}\n`.repeat(80);
    const line = 'root 2 0.0 0.0 1 1 ? S 00:00 0:00 /usr/sbin/tpx-demo-daemon -f\n';
    expect(runWithPs(line, p)).toBe('TPXSERVICE ok 0 full\n');
    expect(runWithPs(filler + line, p)).toBe('TPXSERVICE ok 0 full\n');
    // Nor by a command line that is not valid UTF-8 (grep would call the output binary).
    expect(runWithPs(Buffer.from(`nobody 1 0.0 0.0 1 1 ? S 00:00 0:00 sleep \xff\xfe\n${line}`, 'latin1'), p)).toBe('TPXSERVICE ok 0 full\n');
    expect(runWithPs(filler, p)).toBe('TPXSERVICE ok 1 bare\nservice state changed');
    // A pattern with a newline never matches a line, as in Ansible.
    expect(runWithPs(line, { ...p, pattern: 'tpx-demo-daemon\n-f' })).toBe('TPXSERVICE ok 1 bare\nservice state changed');
  });
});
