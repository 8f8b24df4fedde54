import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { normaliseService, serviceModule } from '../../src/modules/service.js';
import { ignoredForSystemd, planServiceViaSystemd, serviceDispatchScript } from '../../src/modules/systemd-dispatch.js';
import { execResult } from './fixtures.js';
import { makeContext } from './local-executor.js';

const stdinOf = (raw: Record<string, unknown>, vars: Record<string, unknown> = {}): string => {
  const p = normaliseService(raw);
  const [fact] = serviceModule.facts?.(p, makeContext({ vars })) ?? [];
  return String(fact.stdin);
};

describe('service hands over to systemd as Ansible’s service action does', () => {
  it('use: service runs the service script; use: systemd the systemd one, without pattern, sleep or arguments', () => {
    expect(stdinOf({ name: 'tpx-demo', state: 'started', use: 'service' })).toMatch(/^name=tpx-demo\nstate=started\nenabled=\npattern=/);
    const systemd = stdinOf({ name: 'tpx-demo', state: 'restarted', enabled: true, sleep: 2, pattern: 'x', args: '-v', use: 'systemd' });
    expect(systemd).toMatch(/^name=tpx-demo\nstate=restarted\nenabled=yes\nmasked=''\ndaemon_reload=0\n/);
    expect(systemd).toContain("tpx's `systemd` module on the host");
  });

  it('use: auto follows gathered facts, else asks the host (both scripts behind the detection)', () => {
    expect(stdinOf({ name: 'tpx-demo', state: 'started' }, { ansible_facts: { service_mgr: 'systemd' } })).toMatch(
      /^name=tpx-demo\nstate=started\nenabled=''\nmasked=/,
    );
    expect(stdinOf({ name: 'tpx-demo', state: 'started' }, { ansible_facts: { service_mgr: 'sysvinit' } })).toMatch(
      /^name=tpx-demo\nstate=started\nenabled=\npattern=/,
    );
    const auto = stdinOf({ name: 'tpx-demo', state: 'started' });
    expect(auto).toContain('tpx_service_mgr=other');
    expect(auto).toContain('if [ "$tpx_service_mgr" = systemd ]; then (\nname=tpx-demo\n');
    for (const shell of ['dash', 'bash']) expect(spawnSync(shell, ['-n'], { input: auto }).status, shell).toBe(0);
  });

  it("the detection reads this machine's PID 1 as Ansible would", () => {
    const script = serviceDispatchScript('auto', { name: 'x' }, 'echo service-path', false).split('\nif [')[0];
    const r = spawnSync('sh', ['-c', `${script}\necho "$tpx_service_mgr"`], { encoding: 'utf8' });
    const comm = spawnSync('cat', ['/proc/1/comm'], { encoding: 'utf8' }).stdout.trim();
    if (comm && comm !== 'init' && !comm.endsWith('sh')) expect(r.stdout).toBe(comm === 'systemd' ? 'systemd\n' : 'other\n');
  });

  it("names each parameter systemd does not use as Ansible's display does; shown, while the registered result, as Ansible's, has no warnings for them", () => {
    const p = normaliseService({ name: 'tpx-demo', state: 'started', pattern: 'tpx', sleep: 2, args: '-v', use: 'systemd' });
    expect(ignoredForSystemd(p)).toEqual([
      'Ignoring "pattern" as it is not used in "systemd"',
      'Ignoring "sleep" as it is not used in "systemd"',
      'Ignoring "arguments" as it is not used in "systemd"',
    ]);
    expect(ignoredForSystemd(normaliseService({ name: 'tpx-demo', state: 'started', pattern: '' }))).toEqual([
      'Ignoring "pattern" as it is not used in "systemd"',
    ]);
    expect(ignoredForSystemd(normaliseService({ name: 'tpx-demo', state: 'started' }))).toEqual([]);
    const answer = execResult('TPXSYSTEMD ok 0 - started 0\nId=x.service\nTPXSYSTEMD-END\nTPXWARN from the module\n');
    const plan = planServiceViaSystemd(p, answer);
    expect(plan?.returns?.warnings).toEqual(['from the module']);
    // Shown as warnings by the engine (ExecuteRequest.onNotice), not registered.
    expect(plan?.notices).toEqual(ignoredForSystemd(p));
  });

  it('reads whichever answered', () => {
    const p = { name: 'tpx-demo', state: 'started' as const };
    expect(planServiceViaSystemd(p, execResult('TPXSERVICE ok 1 full\nTPXSYSTEMD in a msg'))).toBeUndefined();
    expect(planServiceViaSystemd(p, execResult('TPXSYSTEMD ok 1 - started 0\nId=x.service\nTPXSYSTEMD-END\n'))).toMatchObject({
      changed: true,
      returns: { name: 'tpx-demo', state: 'started', status: { Id: 'x.service' } },
    });
  });
});
