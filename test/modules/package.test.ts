import { describe, expect, it } from 'vitest';
import { APT_COMMAND } from '../../src/modules/apt.js';
import { knownPackageManager, normalisePackage, packageModule } from '../../src/modules/package.js';
import { execResult } from './fixtures.js';
import { makeContext } from './local-executor.js';

describe('package: parameters', () => {
  it('hands its parameters (apt ones too) to apt', () => {
    expect(normalisePackage({ name: 'curl,jq', state: 'latest', update_cache: true })).toMatchObject({
      use: 'auto',
      apt: { names: ['curl', 'jq'], state: 'latest', updateCache: true },
    });
    expect(normalisePackage({ name: 'curl', state: 'absent', use: 'apt' }).use).toBe('apt');
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ name: 'curl', state: 'present', use: 'yum' }, /use: 'yum' is not supported yet/],
    [{ name: 'curl', state: 'present', use: 'dnf', purge: true }, /unsupported parameter 'purge'/],
    [{ name: 'curl', state: 'installed' }, /value of state must be one of/],
    [{ name: 'curl', state: 'present', frobnicate: 1 }, /unsupported parameter 'frobnicate'/],
  ])('%j is refused', (args, message) => {
    expect(() => normalisePackage(args)).toThrow(message);
  });
});

describe('package: the package manager', () => {
  const p = normalisePackage({ name: 'curl', state: 'present' });

  it('reads ansible_pkg_mgr from the facts when they were gathered', () => {
    expect(knownPackageManager({ ansible_facts: { pkg_mgr: 'apt' } })).toBe('apt');
    expect(knownPackageManager({ ansible_pkg_mgr: 'dnf' })).toBe('dnf');
    expect(knownPackageManager({})).toBeUndefined();
  });

  it('runs apt where the facts say apt, and asks the host for apt-get where nothing is known', () => {
    const [known] = packageModule.facts?.(p, makeContext({ vars: { ansible_facts: { pkg_mgr: 'apt' } } })) ?? [];
    expect(known.command).toBe(APT_COMMAND);
    const [unknown] = packageModule.facts?.(p, makeContext()) ?? [];
    expect(unknown.command).toBe(`command -v apt-get >/dev/null 2>&1 || { echo tpx-package-no-apt-get; exit 0; }; ${APT_COMMAND}`);
  });

  it('names another manager as not supported yet, and a host without apt-get as Ansible does', async () => {
    const ctx = makeContext({ vars: { ansible_pkg_mgr: 'zypper' } });
    expect(packageModule.facts?.(p, ctx)).toEqual([]);
    expect(await packageModule.plan(p, {}, ctx)).toMatchObject({ failed: true, msg: expect.stringMatching(/package manager is zypper; .*not supported yet/) });
    const none = await packageModule.plan(p, { apt: execResult('tpx-package-no-apt-get\n') }, makeContext());
    expect(none).toMatchObject({ failed: true, msg: 'Could not detect which package manager to use. Try gathering facts or setting the "use" option.' });
  });

  it("answers with apt's result", async () => {
    const fact = execResult(`tpx-apt-v1\n${JSON.stringify({ failed: false, result: { changed: false, cache_updated: false, cache_update_time: 1 } })}\n`);
    expect(await packageModule.plan(p, { apt: fact }, makeContext())).toEqual({
      changed: false,
      actions: [],
      returns: { cache_updated: false, cache_update_time: 1 },
    });
  });
});
