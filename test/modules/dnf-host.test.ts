/**
 * host/dnf.py's own reading, without dnf: rpm's version order, the spec forms Ansible's dnf
 * tells apart, and dnf's transaction table (--assumeno) read back as Ansible's results.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const SCRIPT = new URL('../../host/dnf.py', import.meta.url).pathname;

/** Runs Python code with host/dnf.py's functions loaded (its main() not run); returns its JSON output. */
function py(code: string): unknown {
  const prog = `import json, runpy\nns = runpy.run_path(${JSON.stringify(SCRIPT)}, run_name='tpx_test')\nglobals().update(ns)\n${code}`;
  const r = spawnSync('python3', ['-E', '-s', '-S', '-c', prog], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

const TABLE = `Dependencies resolved.
================================================================================
 Package               Architecture    Version         Repository          Size
================================================================================
Installing:
 tpx-a-package-with-a-very-long-name-that-wraps
                       noarch          1:1.0-1         tpx-test           6.0 k
Upgrading:
 tpx-demo              noarch          2.0-1           tpx-test           6.0 k
Removing dependent packages:
 tpx-extra             noarch          1.0-1           @tpx-test           13  

Transaction Summary
================================================================================
Install  1 Package
`;

describe('host/dnf.py', () => {
  it.each<[string, string, number]>([
    ['1.0', '2.0', -1],
    ['1.10', '1.9', 1],
    ['1.0~rc1', '1.0', -1],
    ['1.0^git1', '1.0', 1],
    ['1.0', '1.0.0', -1],
    ['1.a', '1.1', -1],
    ['001', '1', 0],
    ['2.0', '2.0', 0],
  ])('compares %s with %s as rpm does: %d', (a, b, want) => {
    expect(py(`print(json.dumps(vercmp(${JSON.stringify(a)}, ${JSON.stringify(b)})))`)).toBe(want);
  });

  it('tells name-version-release specs from names', () => {
    expect(
      py("print(json.dumps([split_nevr(s) for s in ['tpx-demo-1.0-1.noarch', '2:tpx-demo-1.0-1', 'tpx-demo-1.0', 'tpx-demo', 'tpx-demo.noarch']]))"),
    ).toEqual([
      { name: 'tpx-demo', epoch: '0', version: '1.0', release: '1', arch: 'noarch' },
      { name: 'tpx-demo', epoch: '2', version: '1.0', release: '1', arch: null },
      null,
      null,
      null,
    ]);
  });

  it('finds the installed packages a spec names', () => {
    const code = `pkgs = [Pkg('tpx-demo', '0', '2.0', '1', 'noarch'), Pkg('tpx-demo-lib', '1', '1.0', '1', 'noarch')]
print(json.dumps([
  [str(p) for p in matches_installed('tpx-demo', pkgs)],
  [str(p) for p in matches_installed('tpx-demo.x86_64', pkgs)],
  [str(p) for p in matches_installed('tpx-demo-2.0-1', pkgs)],
  [str(p) for p in installed_by_spec('tpx-demo-2.0', pkgs)],
  newer_installed('tpx-demo-1.0-1', pkgs),
  newer_installed('tpx-demo-2.0-2', pkgs),
  [str(p) for p in installed_by_spec('tpx-demo-lib', pkgs)],
]))`;
    expect(py(code)).toEqual([
      ['tpx-demo-2.0-1.noarch'],
      [],
      ['tpx-demo-2.0-1.noarch'],
      ['tpx-demo-2.0-1.noarch'],
      true,
      false,
      ['tpx-demo-lib-1:1.0-1.noarch'],
    ]);
  });

  it("reads dnf's transaction table (a wrapped name too) as Ansible's results", () => {
    const code = `pkgs = [Pkg('tpx-demo', '0', '1.0', '1', 'noarch'), Pkg('tpx-extra', '0', '1.0', '1', 'noarch')]
print(json.dumps(predicted(${JSON.stringify(TABLE)}, pkgs)))`;
    expect(py(code)).toEqual([
      ['tpx-a-package-with-a-very-long-name-that-wraps-1:1.0-1.noarch', 'tpx-demo-2.0-1.noarch'],
      ['tpx-demo-1.0-1.noarch', 'tpx-extra-1.0-1.noarch'],
    ]);
  });

  it('names the specs dnf found no match for', () => {
    expect(
      py(
        "print(json.dumps(missing_specs('Last metadata expiration check: 0:01:01 ago\\nNo match for argument: tpx-nosuch\\nError: Unable to find a match: tpx-nosuch\\n')))",
      ),
    ).toEqual(['tpx-nosuch']);
  });
});
