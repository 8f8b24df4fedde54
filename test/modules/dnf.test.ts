import { describe, expect, it } from 'vitest';
import { normaliseDnf } from '../../src/modules/dnf-args.js';
import { DNF_COMMAND, dnfModule, dnfRequest, planDnf } from '../../src/modules/dnf.js';
import { normalisePackage, packageModule } from '../../src/modules/package.js';
import { normaliseYum, yumModule } from '../../src/modules/yum.js';
import { execResult, HOSTILE_NAMES } from './fixtures.js';
import { makeContext } from './local-executor.js';

const answer = (failed: boolean, result: Record<string, unknown>): string => `tpx-dnf-v1\n${JSON.stringify({ failed, result })}\n`;

describe('dnf: parameters', () => {
  it('reads Ansible aliases, comma lists and defaults', () => {
    expect(normaliseDnf({ name: 'httpd, mod_ssl' })).toEqual({
      names: ['httpd', 'mod_ssl'],
      state: 'present',
      updateCache: false,
      disableGpgCheck: false,
      enablerepo: [],
      disablerepo: [],
      autoremove: false,
      allowDowngrade: false,
    });
    expect(
      normaliseDnf({
        pkg: ['tpx-demo-1.0-1.noarch', 'a,b'],
        state: 'installed',
        'expire-cache': 'yes',
        enablerepo: 'one,two',
        disablerepo: ['*'],
        disable_gpg_check: true,
        allow_downgrade: 'yes',
      }),
    ).toEqual({
      names: ['tpx-demo-1.0-1.noarch', 'a', 'b'],
      state: 'present',
      updateCache: true,
      disableGpgCheck: true,
      enablerepo: ['one', 'two'],
      disablerepo: ['*'],
      autoremove: false,
      allowDowngrade: true,
    });
  });

  it.each<[Record<string, unknown>, string]>([
    [{ name: 'x', state: 'removed' }, 'absent'],
    [{ name: 'x', state: 'latest' }, 'latest'],
    [{ autoremove: true }, 'absent'],
    // name defaults to [] in Ansible's spec, so its required_one_of (name, list, update_cache) always holds.
    [{}, 'present'],
    [{ name: '*', state: 'latest' }, 'latest'],
  ])('%j is state %s', (args, state) => {
    expect(normaliseDnf(args).state).toBe(state);
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ name: 'x', state: 'fixed' }, /value of state must be one of: absent, installed, latest, present, removed, got: fixed/],
    [{ name: 'x', autoremove: true, state: 'present' }, /Autoremove should be used alone or with state=absent/],
    [{ name: 'httpd mod_ssl' }, /space separated string of packages/],
    [{ name: '@web-server' }, /groups and modules .* not supported yet/],
    [{ name: '/usr/bin/ls' }, /file paths .* not supported yet/],
    [{ name: 'https://example.invalid/x.rpm' }, /rpm files and URLs are not supported yet/],
    [{ name: 'httpd*' }, /name patterns are not supported yet/],
    [{ name: 'httpd >= 2.4' }, /version comparisons .* not supported yet/],
    [{ name: '*', state: 'present' }, /name patterns are not supported yet/],
    [{ name: '-y' }, /not an rpm package spec/],
    [{ name: '.hidden' }, /not an rpm package spec/],
    [{ name: 'x', enablerepo: '-x' }, /not a repository id/],
    [{ name: 'x', list: 'installed' }, /'list' is not supported yet/],
    [{ name: 'x', releasever: '9' }, /'releasever' is not supported yet/],
    [{ name: 'x', purge: true }, /unsupported parameter 'purge'/],
  ])('%j is refused', (args, message) => {
    expect(() => normaliseDnf(args)).toThrow(message);
  });

  it('never lets a hostile name through as a spec', () => {
    for (const name of HOSTILE_NAMES) expect(() => normaliseDnf({ name: [name] }), name).toThrow();
  });
});

describe('dnf: the host command', () => {
  it('sends its parameters on stdin and runs python3 with no site packages', () => {
    const p = normaliseDnf({ name: 'x', state: 'latest', enablerepo: 'r' });
    expect(JSON.parse(dnfRequest(p, { check: true }))).toEqual({
      names: ['x'],
      state: 'latest',
      update_cache: false,
      disable_gpg_check: false,
      enablerepo: ['r'],
      disablerepo: [],
      autoremove: false,
      allow_downgrade: false,
      check: true,
    });
    const [fact] = dnfModule.facts?.(p, makeContext({ become: true })) ?? [];
    expect(fact).toMatchObject({ key: 'dnf', command: DNF_COMMAND, become: true });
    expect(DNF_COMMAND.startsWith("cd / && python3 -E -s -S -c '")).toBe(true);
  });

  it("answers with Ansible's keys", () => {
    expect(planDnf(execResult(answer(false, { changed: true, msg: '', results: ['Installed: x-1-1.noarch'], rc: 0 })))).toEqual({
      changed: true,
      actions: [],
      msg: '',
      returns: { results: ['Installed: x-1-1.noarch'], rc: 0 },
    });
    expect(
      planDnf(execResult(answer(true, { msg: 'Failed to install some of the specified packages', failures: ['No package y available.'], results: [], rc: 1 }))),
    ).toEqual({
      changed: false,
      actions: [],
      failed: true,
      msg: 'Failed to install some of the specified packages',
      returns: { failures: ['No package y available.'], results: [], rc: 1 },
    });
  });

  it('says when python3 is missing or the answer is cut', () => {
    expect(() => planDnf(execResult('', 127, 'sh: 1: python3: not found'))).toThrow(/dnf needs python3 on the host/);
    expect(() => planDnf(execResult('tpx-dnf-v1\n{"fail', 0))).toThrow(/does not read as JSON/);
    expect(() => planDnf(execResult('', 1, 'Traceback\nboom'))).toThrow(/dnf failed on the host: boom/);
  });
});

describe('yum: the dnf backend', () => {
  it('reads use_backend and use', () => {
    expect(normaliseYum({ name: 'x', use_backend: 'dnf' }).backend).toBe('dnf');
    expect(normaliseYum({ name: 'x', use: 'yum4' }).backend).toBe('dnf');
    expect(normaliseYum({ name: 'x' }).backend).toBe('auto');
    expect(() => normaliseYum({ name: 'x', use: 'dnf', use_backend: 'dnf' })).toThrow("parameters are mutually exclusive: ('use', 'use_backend')");
    expect(() => normaliseYum({ name: 'x', use_backend: 'yum' })).toThrow(/yum 3 backend\) is not supported/);
    expect(() => normaliseYum({ name: 'x', state: 'bogus' })).toThrow(/value of state must be one of/);
  });

  it('runs dnf where asked or where the facts say dnf; otherwise as Ansible fails', async () => {
    const p = normaliseYum({ name: 'x', use_backend: 'dnf' });
    expect(yumModule.facts?.(p, makeContext())?.[0].command).toBe(DNF_COMMAND);
    const auto = normaliseYum({ name: 'x' });
    expect(yumModule.facts?.(auto, makeContext({ vars: { ansible_pkg_mgr: 'dnf' } }))?.[0].command).toBe(DNF_COMMAND);
    const apt = makeContext({ vars: { ansible_facts: { pkg_mgr: 'apt' } } });
    expect(yumModule.facts?.(auto, apt)).toEqual([]);
    expect(await yumModule.plan(auto, {}, apt)).toMatchObject({ failed: true, msg: expect.stringMatching(/^Could not detect which major revision of yum/) });
    const [probe] = yumModule.facts?.(auto, makeContext()) ?? [];
    expect(probe.command).toMatch(/^if command -v apt-get .* then echo tpx-yum-not-dnf; exit 0; fi; cd \/ && python3/);
    const none = await yumModule.plan(auto, { dnf: execResult('tpx-yum-not-dnf\n') }, makeContext());
    expect(none).toMatchObject({ failed: true });
    const done = await yumModule.plan(p, { dnf: execResult(answer(false, { changed: false, msg: 'Nothing to do', results: [], rc: 0 })) }, makeContext());
    expect(done).toMatchObject({ changed: false, msg: 'Nothing to do' });
  });
});

describe('package: dnf', () => {
  it('hands over to dnf with use: dnf, or where the facts say dnf', async () => {
    const p = normalisePackage({ name: 'x', state: 'present', use: 'dnf' });
    expect(p.apt).toBeNull();
    expect(packageModule.facts?.(p, makeContext())?.map((f) => f.command)).toEqual([DNF_COMMAND]);
    const auto = normalisePackage({ name: 'x', state: 'latest' });
    const dnfHost = makeContext({ vars: { ansible_pkg_mgr: 'dnf' } });
    expect(packageModule.facts?.(auto, dnfHost)?.map((f) => f.command)).toEqual([DNF_COMMAND]);
    const fact = execResult(answer(false, { changed: true, msg: '', results: ['Installed: x-1-1.noarch'], rc: 0 }));
    expect(await packageModule.plan(auto, { dnf: fact }, dnfHost)).toMatchObject({ changed: true, returns: { results: ['Installed: x-1-1.noarch'] } });
  });

  it('with nothing gathered, asks the host: apt-get first, else dnf', async () => {
    const auto = normalisePackage({ name: 'x', state: 'present' });
    const requests = packageModule.facts?.(auto, makeContext()) ?? [];
    expect(requests.map((f) => f.key)).toEqual(['apt', 'dnf']);
    expect(requests[1].command).toMatch(/^if command -v apt-get .*tpx-package-not-dnf; exit 0; fi; cd \/ && python3/);
    const fact = execResult(answer(false, { changed: false, msg: 'Nothing to do', results: [], rc: 0 }));
    const viaDnf = await packageModule.plan(auto, { apt: execResult('tpx-package-no-apt-get\n'), dnf: fact }, makeContext());
    expect(viaDnf).toMatchObject({ changed: false, msg: 'Nothing to do' });
    const neither = await packageModule.plan(auto, { apt: execResult('tpx-package-no-apt-get\n'), dnf: execResult('tpx-package-not-dnf\n') }, makeContext());
    expect(neither).toMatchObject({ failed: true, msg: expect.stringMatching(/^Could not detect which package manager/) });
  });

  it("says apt's parameters are not dnf's on a dnf host", async () => {
    const auto = normalisePackage({ name: 'x', state: 'present', install_recommends: false });
    expect(await packageModule.plan(auto, {}, makeContext({ vars: { ansible_pkg_mgr: 'dnf' } }))).toMatchObject({
      failed: true,
      msg: expect.stringMatching(/unsupported parameter 'install_recommends'/),
    });
  });
});
