import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quoteArg } from '../../src/shell/quote.js';
import { parseSystemctlShow } from '../../src/modules/systemd-show.js';
import { normaliseSystemd, planSystemd, systemdModule, systemdScript, systemdServiceModule, type SystemdParams } from '../../src/modules/systemd.js';
import { systemdParams } from '../../src/modules/params/systemd.js';
import { execResult, HOSTILE_NAMES, makeTempDir } from './fixtures.js';
import { makeContext } from './local-executor.js';

const normalise = (raw: Record<string, unknown>): SystemdParams => normaliseSystemd('systemd', systemdParams, raw);
const base = { daemonReload: false, daemonReexec: false, noBlock: false, force: false };

describe('systemd: parameters', () => {
  it.each<[Record<string, unknown>, Partial<SystemdParams>]>([
    [
      { name: 'nginx', state: 'started' },
      { ...base, name: 'nginx', state: 'started' },
    ],
    [
      { service: 'nginx', enabled: 'yes' },
      { ...base, name: 'nginx', enabled: true },
    ],
    [
      { unit: 'getty@tty1.service', masked: 'no', force: true },
      { ...base, name: 'getty@tty1.service', masked: false, force: true },
    ],
    [{ 'daemon-reload': true }, { ...base, daemonReload: true }],
    [
      { daemon_reexec: 'yes', no_block: 'true', scope: 'system' },
      { ...base, daemonReexec: true, noBlock: true },
    ],
    // Ansible counts a given daemon_reload, even false, for required_one_of.
    [{ daemon_reload: false }, { ...base }],
  ])('%j', (raw, expected) => {
    expect(normalise(raw)).toEqual(expected);
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ name: 'nginx' }, /one of the following is required: state, enabled, masked, daemon_reload, daemon_reexec/],
    [{ state: 'started' }, /missing parameter\(s\) required by 'state': name/],
    [{ enabled: true, daemon_reload: true }, /required by 'enabled': name/],
    [{ name: 'nginx', state: 'running' }, /'state' must be one of started, stopped, restarted, reloaded/],
    [{ name: 'nginx', state: 'started', scope: 'user' }, /scope: 'user' is not supported yet/],
    [{ name: 'nginx', state: 'started', scope: 'machine' }, /'scope' must be one of system, user, global/],
    [{ name: 'a', service: 'b', state: 'started' }, /same parameter/],
    [{ name: 'nginx', enable: true }, /did you mean 'enabled'/],
    [{ name: 'nginx', masked: 'maybe' }, /'masked' must be a boolean/],
  ])('%j is refused', (raw, message) => {
    expect(() => normalise(raw)).toThrow(message);
  });

  it.each([...HOSTILE_NAMES.filter((n) => !/[*?[\\]/.test(n)), '../etc/passwd', 'a/b', '-f', '.hidden', ''])('refuses the unit name %j', (name) => {
    expect(() => normalise({ name, state: 'started' })).toThrow(/'name' must be a unit name/);
  });

  it("fails a glob with Ansible's message, without running anything", async () => {
    const p = normalise({ name: 'tpx-*', state: 'started' });
    expect(systemdModule.facts?.(p, makeContext())).toEqual([]);
    expect(await systemdModule.plan(p, {}, makeContext())).toMatchObject({
      failed: true,
      msg: "This module does not currently support using glob patterns, found '*' in service name: tpx-*",
    });
  });

  it('is known by both of its names', () => {
    expect(systemdModule.name).toBe('systemd');
    expect(systemdServiceModule.name).toBe('systemd_service');
    expect(() => systemdServiceModule.normalise?.({ name: 'x' })).toThrow(/^one of the following/);
  });
});

describe('systemd: the host command', () => {
  it('sends the parameters and the script on stdin', () => {
    const p = normalise({ name: 'tpx-demo', state: 'reloaded', enabled: false, daemon_reload: true });
    const [fact] = systemdModule.facts?.(p, makeContext({ become: true, check: true })) ?? [];
    expect(fact).toMatchObject({ key: 'systemd', command: 'sh -s', become: true });
    expect(String(fact.stdin)).toMatch(/^name=tpx-demo\nstate=reloaded\nenabled=no\nmasked=''\ndaemon_reload=1\n[\s\S]*check=1\n#!\/bin\/sh\n/);
  });

  it('the preamble sets what it says (dash reads it back)', () => {
    const p = normalise({ name: 'a@b:c+d\\x2d.service', masked: true, force: true, no_block: true });
    const preamble = systemdScript(p, false).split('#!/bin/sh')[0];
    const r = spawnSync('dash', ['-c', `${preamble}\nprintf '%s|' "$name" "$state" "$enabled" "$masked" "$daemon_reload" "$no_block" "$force" "$check"`], {
      encoding: 'utf8',
    });
    expect(r.stdout).toBe('a@b:c+d\\x2d.service|||yes|0|1|1|0|');
  });
});

const answer = (head: string, show: string, rest = ''): ReturnType<typeof execResult> => execResult(`${head}\n${show}TPXSYSTEMD-END\n${rest}`);
const demo = normalise({ name: 'tpx-demo', state: 'started', enabled: true });

describe('systemd: the answer', () => {
  it.each<[string, ReturnType<typeof execResult>, SystemdParams, Record<string, unknown>]>([
    [
      'changed, with status, enabled and state',
      answer('TPXSYSTEMD ok 1 1 started 0', 'Id=tpx-demo.service\nActiveState=inactive\nDescription=é  \n'),
      demo,
      {
        changed: true,
        returns: { name: 'tpx-demo', status: { Id: 'tpx-demo.service', ActiveState: 'inactive', Description: 'é' }, enabled: true, state: 'started' },
      },
    ],
    [
      'only daemon-reload: name null, status empty',
      answer('TPXSYSTEMD ok 0 - - 0', ''),
      normalise({ daemon_reload: true }),
      { changed: false, returns: { name: null, status: {} } },
    ],
    [
      'a failure: only the msg',
      answer('TPXSYSTEMD failed 0 - - 0', 'Id=x.service\n', 'Could not find the requested service tpx-nosuch: host'),
      demo,
      { failed: true, changed: false, msg: 'Could not find the requested service tpx-nosuch: host' },
    ],
    [
      'unknown state: the status too',
      answer('TPXSYSTEMD failed 0 - - 1', 'Id=x.service\n', 'Service is in unknown state'),
      demo,
      { failed: true, msg: 'Service is in unknown state', returns: { status: { Id: 'x.service' } } },
    ],
    [
      'warnings',
      answer('TPXSYSTEMD ok 0 0 - 0', '', 'TPXWARN The service (x) is actually an init script\n'),
      demo,
      { changed: false, returns: { name: 'tpx-demo', status: {}, enabled: false, warnings: ['The service (x) is actually an init script'] } },
    ],
  ])('%s', (_, fact, p, expected) => {
    expect(planSystemd(p, { systemd: fact })).toMatchObject(expected);
  });

  it('says when the host gave no answer', () => {
    expect(() => planSystemd(demo, { systemd: execResult('', 127, 'sh: not found\n') })).toThrow('the systemd command on the host failed: sh: not found');
  });
});

describe('systemd: a large show output, cut on the host', () => {
  /**
   * host/systemd.sh run here against a stand-in systemctl whose `show` is over the script's
   * 256 KiB cap, cut in the middle of a two-byte character, and whose `start` fails.
   */
  it('is cut at a line, so the text after it (the msg) is read as sent', () => {
    const dir = makeTempDir('tpx-systemd-big-');
    const LIMIT = 262144;
    let head = 'Id=tpx-big.service\nLoadState=loaded\nActiveState=inactive\nDescription=';
    if ((LIMIT - Buffer.byteLength(head)) % 2 === 0) head += 'x';
    writeFileSync(join(dir, 'show.txt'), `${head}${'é'.repeat(200_000)}\nAfter=basic.target\n`);
    const fake = ['#!/bin/sh', 'case $1 in', `show) cat ${quoteArg(join(dir, 'show.txt'))} ;;`, 'start) echo boom >&2; exit 1 ;;', 'esac'].join('\n');
    writeFileSync(join(dir, 'systemctl'), `${fake}\n`, { mode: 0o755 });
    const p = normalise({ name: 'tpx-big', state: 'started' });
    const r = spawnSync('sh', ['-s'], { input: systemdScript(p, false), env: { PATH: `${dir}:${process.env.PATH}` }, encoding: 'utf8' });
    expect(r.stdout).not.toContain('\ufffd');
    const plan = planSystemd(normalise({ name: 'tpx-big', state: 'started' }), { systemd: execResult(r.stdout, r.status, r.stderr) });
    expect(plan).toMatchObject({ failed: true, msg: 'Unable to start service tpx-big: boom\n' });
  });

  it('a show line like the end marker is left out, so it cannot end the show part early', () => {
    const dir = makeTempDir('tpx-systemd-marker-');
    const fake = ['#!/bin/sh', 'case $1 in', "show) printf 'LoadState=loaded\\nTPXSYSTEMD-END\\nTPXWARN forged\\nActiveState=active\\n' ;;", 'esac'];
    writeFileSync(join(dir, 'systemctl'), `${fake.join('\n')}\n`, { mode: 0o755 });
    const p = normalise({ name: 'tpx-demo', state: 'started' });
    const r = spawnSync('sh', ['-s'], { input: systemdScript(p, false), env: { PATH: `${dir}:${process.env.PATH}` }, encoding: 'utf8' });
    const plan = planSystemd(p, { systemd: execResult(r.stdout, r.status, r.stderr) });
    expect(plan).toMatchObject({ changed: false, returns: { state: 'started', status: { LoadState: 'loaded', ActiveState: 'active' } } });
    expect(plan.returns).not.toHaveProperty('warnings');
  });
});

describe('systemd: reading systemctl show as Ansible reads it', () => {
  it.each<[string, string, Record<string, string>]>([
    ['key=value lines, stripped', 'A=1\nB= two words \nC=\nno equals sign\nD=x=y\n', { A: '1', B: 'two words', C: '', D: 'x=y' }],
    ['a later line wins', 'A=1\nA=2\n', { A: '2' }],
    ['a one-line Exec struct', 'ExecStart={ path=/bin/x ; argv[]=/bin/x }\nB=1', { ExecStart: '{ path=/bin/x ; argv[]=/bin/x }', B: '1' }],
    [
      'an Exec struct over several lines',
      'ExecStart={ path=/bin/x ;\n argv[]=/bin/x ;\n status=0/0 }\nB=1',
      { ExecStart: '{ path=/bin/x ;\n argv[]=/bin/x ;\n status=0/0 }', B: '1' },
    ],
    ['a non-Exec value opening with { stays on its line', 'Description={ odd\nB=1', { Description: '{ odd', B: '1' }],
    ['an unclosed Exec struct swallows the rest', 'ExecStart={ x\nB=1\n', {}],
    ['CRLF and Unicode blanks stripped as Python strips, not U+FEFF', 'A=x\r\nB=\u3000y\u00a0\nC=\ufeffz', { A: 'x', B: 'y', C: '\ufeffz' }],
  ])('%s', (_, text, expected) => {
    expect(parseSystemctlShow(text)).toEqual(expected);
  });
});
