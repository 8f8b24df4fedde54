import { describe, expect, it } from 'vitest';
import { normaliseApt } from '../../src/modules/apt-args.js';
import { APT_COMMAND, aptModule, aptRequest, planApt } from '../../src/modules/apt.js';
import { OutputCapture } from '../../src/transport/output-capture.js';
import { execResult, HOSTILE_NAMES } from './fixtures.js';
import { makeContext } from './local-executor.js';

const answer = (failed: boolean, result: Record<string, unknown>): string => `tpx-apt-v1\n${JSON.stringify({ failed, result })}\n`;

describe('apt: parameters', () => {
  it('reads Ansible aliases, lists and defaults', () => {
    expect(normaliseApt({ name: 'curl, jq=1.6*' })).toEqual({
      names: ['curl', 'jq=1.6*'],
      state: 'present',
      updateCache: null,
      cacheValidTime: 0,
      updateCacheRetries: 5,
      updateCacheRetryMaxDelay: 12,
      purge: false,
      deb: null,
      installRecommends: null,
      force: false,
      allowDowngrade: false,
      allowUnauthenticated: false,
      allowChangeHeldPackages: false,
      autoremove: false,
      failOnAutoremove: false,
      onlyUpgrade: false,
      dpkgOptions: 'force-confdef,force-confold',
      upgrade: null,
      forceAptGet: false,
    });
    expect(
      normaliseApt({
        pkg: ['nginx', 'libc6:amd64>=2.36'],
        state: 'latest',
        'update-cache': 'yes',
        cache_valid_time: '3600',
        'install-recommends': 'no',
        'allow-downgrades': true,
        purge: 'yes',
        autoremove: true,
        force_apt_get: true,
        dpkg_options: 'force-confnew',
      }),
    ).toMatchObject({
      names: ['nginx', 'libc6:amd64>=2.36'],
      state: 'latest',
      updateCache: true,
      cacheValidTime: 3600,
      installRecommends: false,
      allowDowngrade: true,
      purge: true,
      autoremove: true,
      dpkgOptions: 'force-confnew',
    });
    expect(normaliseApt({ deb: '/srv/a.deb,/srv/b.deb' })).toMatchObject({ deb: '/srv/a.deb,/srv/b.deb', names: [] });
    expect(normaliseApt({ upgrade: true, update_cache: true })).toMatchObject({ upgrade: 'yes', updateCache: true });
    expect(normaliseApt({ upgrade: 'dist', force_apt_get: 'yes' })).toMatchObject({ upgrade: 'dist', forceAptGet: true });
    expect(normaliseApt({ name: '*', state: 'latest' })).toMatchObject({ names: ['*'], state: 'latest' });
    expect(normaliseApt({ upgrade: 'no', autoremove: true })).toMatchObject({ names: [], autoremove: true });
    expect(normaliseApt({ update_cache: false, cache_valid_time: 60 })).toMatchObject({ updateCache: false, cacheValidTime: 60 });
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ name: 'curl', state: 'installed' }, /value of state must be one of: absent, build-dep, fixed, latest, present, got: installed \(.*write present\)/],
    [{ name: 'curl', state: 'removed' }, /got: removed \(write absent\)/],
    [{ name: 'curl', state: 'build-dep' }, /state 'build-dep' is not supported yet/],
    [{ name: 'curl', state: 'fixed' }, /state 'fixed' is not supported yet/],
    [{ name: 'nginx*' }, /package name patterns like 'nginx\*' are not supported yet/],
    [{ name: 'curl', deb: '/srv/a.deb' }, /parameters are mutually exclusive: deb\|package\|upgrade/],
    [{ deb: 'https://example.com/a.deb' }, /a URL is not supported yet/],
    [{ deb: 'a.deb' }, /must be an absolute path on the host/],
    [{ name: 'curl', upgrade: 'no' }, /parameters are mutually exclusive: deb\|package\|upgrade/],
    [{ upgrade: 'everything' }, /value of upgrade must be one of: dist, full, no, safe, yes, got: everything/],
    [{ name: 'curl', default_release: 'bookworm-backports' }, /'default_release' is not supported yet/],
    [{ name: 'curl', lock_timeout: 10 }, /'lock_timeout' is not supported yet/],
    [{ name: 'curl', clean: true }, /'clean' is not supported yet/],
    [{ name: 'curl', update_cahce: true }, /did you mean 'update_cache'/],
    [{ name: 'curl', pkg: 'jq' }, /same parameter/],
    [{ name: 'curl', cache_valid_time: 'soon' }, /'cache_valid_time' must be a non-negative integer/],
    [{ name: 'curl', purge: 'maybe' }, /'purge' must be a boolean/],
    [{ name: 'curl=1.0;rm' }, /'1.0;rm' is not a version/],
    [{ name: 'curl>1.0' }, /'curl>1.0' is not a package spec \(a name, then =VERSION or >=VERSION; > alone is not a comparator\)/],
    [{ name: ['curl>$(touch /pwned) x'] }, /is not a package spec/],
    [{ name: 'curl', dpkg_options: 'force-confold --root=/x' }, /dpkg_options/],
  ])('%j is refused', (args, message) => {
    expect(() => normaliseApt(args)).toThrow(message);
  });

  it.each(HOSTILE_NAMES.filter((n) => n !== '*'))('refuses the package name %j, so no name is ever an option or shell', (name) => {
    expect(() => normaliseApt({ name: [name] })).toThrow();
  });
});

describe('apt: the host command', () => {
  it('sends the parameters on stdin as JSON, nothing of the task on the command line', () => {
    const p = normaliseApt({ name: ['tpx-demo=1.0'], update_cache: true, purge: true });
    const [fact] = aptModule.facts?.(p, makeContext({ become: true, check: true, diff: true })) ?? [];
    expect(fact).toMatchObject({ key: 'apt', command: APT_COMMAND, become: true });
    expect(APT_COMMAND).toMatch(/^cd \/ && python3 -E -s -S -c '/);
    expect(APT_COMMAND).not.toContain('tpx-demo');
    expect(JSON.parse(String(fact.stdin))).toMatchObject({ names: ['tpx-demo=1.0'], update_cache: true, purge: true, check: true, diff: true });
    expect(JSON.parse(aptRequest(p, { check: false, diff: false }))).toMatchObject({ check: false, dpkg_options: 'force-confdef,force-confold' });
  });
});

describe('apt: reading the answer', () => {
  it('an install: changed, stdout and its lines, the cache keys', () => {
    const fact = execResult(answer(false, { changed: true, stdout: 'a\nb\n', stderr: '', diff: {}, cache_updated: false, cache_update_time: 7 }));
    expect(planApt(fact, { diff: false })).toEqual({
      changed: true,
      actions: [],
      returns: { stdout: 'a\nb\n', stdout_lines: ['a', 'b'], stderr: '', stderr_lines: [], diff: {}, cache_updated: false, cache_update_time: 7 },
    });
  });

  it('with --diff, the prepared text is the diff', () => {
    const fact = execResult(answer(false, { changed: true, stdout: '', stderr: '', diff: { prepared: 'Inst tpx-demo (2.0)' } }));
    expect(planApt(fact, { diff: true }).diff).toBe('Inst tpx-demo (2.0)');
    expect(planApt(fact, { diff: false }).diff).toBeUndefined();
  });

  it('a failure keeps its msg and the other keys', () => {
    const fact = execResult(answer(true, { msg: "No package matching 'x' is available" }));
    expect(planApt(fact, { diff: false })).toMatchObject({ failed: true, changed: false, msg: "No package matching 'x' is available" });
    const failed = execResult(answer(true, { msg: "'apt-get remove 'x'' failed: E: boom", stdout: 'o', stderr: 'E: boom', rc: 100 }));
    expect(planApt(failed, { diff: false })).toMatchObject({ failed: true, returns: { rc: 100, stderr_lines: ['E: boom'], stdout_lines: ['o'] } });
  });

  it('msg sent once as stdout is msg again', () => {
    const fact = execResult(`tpx-apt-v1\n${JSON.stringify({ failed: false, msg_is_stdout: true, result: { changed: true, stdout: 'up\n', stderr: '' } })}\n`);
    expect(planApt(fact, { diff: false })).toMatchObject({ msg: 'up\n', returns: { stdout: 'up\n', stdout_lines: ['up'] } });
    expect(planApt(fact, { diff: false }).returns).not.toHaveProperty('msg_is_stdout');
  });

  it('an answer cut by tpx_output_limit fails saying so, and that the host may have changed', () => {
    const capture = new OutputCapture(64 * 1024);
    capture.push(answer(false, { changed: true, stdout: 'Inst x\n'.repeat(20_000), stderr: '' }));
    const fact = { ...execResult(capture.text()), stdoutDropped: capture.droppedBytes };
    expect(() => planApt(fact, { diff: false })).toThrow(/^the host's answer was cut \(over tpx_output_limit\); the host may have changed: check it/);
    expect(() => planApt(execResult('tpx-apt-v1\n{"failed": false, "res'), { diff: false })).toThrow(
      "apt's answer from the host does not read as JSON; the host may have changed: check it",
    );
  });

  it('no python3, or no answer, is said so', () => {
    expect(() => planApt(execResult('', 127, 'sh: 1: python3: not found'), { diff: false })).toThrow(/apt needs python3 on the host/);
    expect(() => planApt(execResult('', 1, 'Traceback\nValueError: x'), { diff: false })).toThrow('apt failed on the host: ValueError: x');
  });
});
