/**
 * The systemctl stand-in (test/fixtures/systemd/systemctl.sh, for lab hosts without systemd)
 * checked against systemctl's real output format, and host/systemd.sh run against it on this
 * machine, every path of the stand-in under a temp dir (SYSTEMCTL_STANDIN_ROOT): the real daemon
 * of the demo unit starts, reloads and stops; links are made and removed.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemdParams } from '../../src/modules/params/systemd.js';
import { normaliseSystemd, planSystemd, systemdScript } from '../../src/modules/systemd.js';
import { parseSystemctlShow } from '../../src/modules/systemd-show.js';
import { execResult } from './fixtures.js';

const FIXTURES = new URL('../fixtures/systemd/', import.meta.url).pathname;
const STANDIN = join(FIXTURES, 'systemctl.sh');
/**
 * The part every unit shares of a real `systemctl show --all` (systemd 249, a timer unit, as
 * recorded in a public project's test): its property names and their order.
 */
const REAL_UNIT_PART = readFileSync(join(FIXTURES, 'show-logrotate-timer-all.txt'), 'utf8');
const hasStartStopDaemon = spawnSync('start-stop-daemon', ['--version'], { stdio: 'ignore' }).status === 0;

let root = '';
let bin = '';

function systemctl(...args: string[]): { stdout: string; stderr: string; status: number | null } {
  return spawnSync(STANDIN, args, { env: { ...process.env, SYSTEMCTL_STANDIN_ROOT: root }, encoding: 'utf8' });
}

/** Runs tpx's systemd module's host command here, with the stand-in as the systemctl it finds first. */
function runModule(raw: Record<string, unknown>, check = false) {
  const p = normaliseSystemd('systemd', systemdParams, raw);
  const r = spawnSync('sh', ['-s'], { input: systemdScript(p, check), env: { PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
  return planSystemd(p, { systemd: execResult(r.stdout, r.status, r.stderr) });
}

const daemonLog = (): string => readFileSync(join(root, 'run/tpx-demo.log'), 'utf8');

function stopDaemon(): void {
  const pidfile = join(root, 'run/systemd-standin/tpx-demo.service.pid');
  if (!existsSync(pidfile)) return;
  const pid = Number(readFileSync(pidfile, 'utf8'));
  try {
    if (pid > 1) process.kill(pid);
  } catch {
    // already gone
  }
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tpx-systemctl-standin-'));
  bin = join(root, 'bin');
  mkdirSync(bin);
  mkdirSync(join(root, 'lib/systemd/system'), { recursive: true });
  mkdirSync(join(root, 'run'), { recursive: true });
  writeFileSync(join(bin, 'systemctl'), `#!/bin/sh\nSYSTEMCTL_STANDIN_ROOT='${root}' exec '${STANDIN}' "$@"\n`);
  chmodSync(join(bin, 'systemctl'), 0o755);
  const unit = readFileSync(join(FIXTURES, 'tpx-demo.service'), 'utf8').replace(
    'ExecStart=/usr/local/bin/tpx-demo-daemon /run/tpx-demo.log',
    `ExecStart=${join(FIXTURES, 'tpx-demo-daemon.sh')} ${join(root, 'run/tpx-demo.log')}`,
  );
  writeFileSync(join(root, 'lib/systemd/system/tpx-demo.service'), unit);
});

afterAll(() => {
  stopDaemon();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('the systemctl stand-in speaks systemctl show', () => {
  it('Key=Value lines, no empty values (as without --all), the real names in their real order', () => {
    const out = systemctl('show', 'tpx-demo').stdout;
    const lines = out.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(/^[A-Z][A-Za-z0-9]*=.+$/);
    const keys = lines.map((l) => l.slice(0, l.indexOf('=')));
    const real = REAL_UNIT_PART.trimEnd()
      .split('\n')
      .map((l) => l.slice(0, l.indexOf('=')));
    const shared = keys.filter((k) => real.includes(k));
    expect(shared.length).toBeGreaterThan(40);
    expect(shared).toEqual(real.filter((k) => shared.includes(k)));
    // Service properties come before the ones every unit has.
    expect(keys.indexOf('ExecMainStatus')).toBeLessThan(keys.indexOf('Id'));
    expect(parseSystemctlShow(out)).toMatchObject({
      Id: 'tpx-demo.service',
      Names: 'tpx-demo.service',
      Description: 'tpx demo daemon',
      LoadState: 'loaded',
      ActiveState: 'inactive',
      SubState: 'dead',
      UnitFileState: 'disabled',
      MainPID: '0',
      FragmentPath: join(root, 'lib/systemd/system/tpx-demo.service'),
      CanReload: 'yes',
      NeedDaemonReload: 'no',
    });
    expect(out).toMatch(/^ExecStart=\{ path=\S+tpx-demo-daemon.sh ; argv\[\]=\S+tpx-demo-daemon.sh \S+ ; ignore_errors=no ; start_time=\[n\/a\] ; .* \}$/m);
    expect(out).not.toMatch(/^LoadError=/m);
  });

  it('a missing unit: not-found, with its LoadError, and is-enabled fails as systemctl does', () => {
    expect(parseSystemctlShow(systemctl('show', 'tpx-nosuch').stdout)).toMatchObject({
      Id: 'tpx-nosuch.service',
      LoadState: 'not-found',
      ActiveState: 'inactive',
      LoadError: 'org.freedesktop.systemd1.NoSuchUnit "Unit tpx-nosuch.service not found."',
    });
    expect(systemctl('is-enabled', 'tpx-nosuch')).toMatchObject({
      stdout: '',
      stderr: 'Failed to get unit file state for tpx-nosuch.service: No such file or directory\n',
      status: 1,
    });
    expect(systemctl('start', 'tpx-nosuch')).toMatchObject({ stderr: 'Failed to start tpx-nosuch.service: Unit tpx-nosuch.service not found.\n', status: 5 });
    expect(systemctl('is-active', 'tpx-nosuch')).toMatchObject({ stdout: 'inactive\n', status: 3 });
  });
});

describe.runIf(hasStartStopDaemon)("tpx's systemd host command against the stand-in", () => {
  it('starts and enables, links the unit, starts the daemon; reports the status before the change', () => {
    const plan = runModule({ name: 'tpx-demo', state: 'started', enabled: true });
    expect(plan).toMatchObject({ changed: true, returns: { name: 'tpx-demo', enabled: true, state: 'started' } });
    expect(plan.returns?.status).toMatchObject({ ActiveState: 'inactive', UnitFileState: 'disabled' });
    expect(readlinkSync(join(root, 'etc/systemd/system/multi-user.target.wants/tpx-demo.service'))).toBe(join(root, 'lib/systemd/system/tpx-demo.service'));
    expect(systemctl('is-active', 'tpx-demo')).toMatchObject({ stdout: 'active\n', status: 0 });
  });

  it('again: nothing to do', () => {
    const plan = runModule({ name: 'tpx-demo', state: 'started', enabled: 'yes' });
    expect(plan).toMatchObject({ changed: false, returns: { enabled: true, state: 'started' } });
    expect(plan.returns?.status).toMatchObject({ ActiveState: 'active', SubState: 'running', UnitFileState: 'enabled', WantedBy: 'multi-user.target' });
    expect((plan.returns?.status as Record<string, string> | undefined)?.MainPID).toMatch(/^[1-9]\d*$/);
  });

  it('reloads with ExecReload (SIGHUP to the daemon)', async () => {
    expect(runModule({ name: 'tpx-demo', state: 'reloaded' })).toMatchObject({ changed: true, returns: { state: 'started' } });
    await expect.poll(daemonLog).toBe('started\nreloaded\n');
  });

  it('check mode predicts and does nothing', () => {
    expect(runModule({ name: 'tpx-demo', state: 'stopped', enabled: false, masked: true }, true)).toMatchObject({
      changed: true,
      returns: { enabled: false, state: 'stopped' },
    });
    expect(systemctl('is-active', 'tpx-demo').stdout).toBe('active\n');
    expect(systemctl('is-enabled', 'tpx-demo').stdout).toBe('enabled\n');
  });

  it('masks (a link to /dev/null), then a start fails; unmasks', () => {
    expect(runModule({ name: 'tpx-demo', masked: true })).toMatchObject({ changed: true });
    expect(readlinkSync(join(root, 'etc/systemd/system/tpx-demo.service'))).toBe('/dev/null');
    expect(runModule({ name: 'tpx-demo', state: 'restarted' })).toMatchObject({
      failed: true,
      msg: 'Unable to restart service tpx-demo: Failed to restart tpx-demo.service: Unit tpx-demo.service is masked.\n',
    });
    expect(runModule({ name: 'tpx-demo', masked: false })).toMatchObject({ changed: true });
    expect(existsSync(join(root, 'etc/systemd/system/tpx-demo.service'))).toBe(false);
  });

  it('daemon_reload makes a changed unit file count', () => {
    const file = join(root, 'lib/systemd/system/tpx-demo.service');
    writeFileSync(file, readFileSync(file, 'utf8').replace('Description=tpx demo daemon', 'Description=tpx demo daemon, changed'));
    expect(systemctl('show', 'tpx-demo').stdout).toContain('\nDescription=tpx demo daemon\n');
    expect(systemctl('show', 'tpx-demo').stdout).toContain('\nNeedDaemonReload=yes\n');
    const plan = runModule({ name: 'tpx-demo', state: 'started', daemon_reload: true });
    expect(plan).toMatchObject({ changed: false, returns: { status: { Description: 'tpx demo daemon, changed', NeedDaemonReload: 'no' } } });
    expect(runModule({ daemon_reload: true })).toMatchObject({ changed: false, returns: { name: null, status: {} } });
  });

  it('daemon_reexec, no_block and force reach systemctl', () => {
    expect(runModule({ daemon_reexec: true })).toMatchObject({ changed: false, returns: { name: null } });
    expect(runModule({ name: 'tpx-demo', state: 'started', no_block: true, force: true })).toMatchObject({ changed: false });
    expect(readFileSync(join(root, 'run/systemd-standin/log'), 'utf8')).toMatch(/daemon-reexec\n$/);
  });

  it("a missing unit fails with Ansible's message", () => {
    expect(runModule({ name: 'tpx-nosuch', state: 'started' })).toMatchObject({ failed: true, msg: 'Could not find the requested service tpx-nosuch: host' });
    expect(runModule({ name: 'tpx-nosuch', enabled: true })).toMatchObject({ failed: true, msg: 'Could not find the requested service tpx-nosuch: host' });
  });

  it('stops and disables; the daemon ends, the link goes', async () => {
    expect(runModule({ name: 'tpx-demo', state: 'stopped', enabled: false })).toMatchObject({ changed: true, returns: { enabled: false, state: 'stopped' } });
    await expect.poll(daemonLog).toBe('started\nreloaded\nstopped\n');
    expect(existsSync(join(root, 'etc/systemd/system/multi-user.target.wants/tpx-demo.service'))).toBe(false);
    expect(systemctl('is-active', 'tpx-demo')).toMatchObject({ stdout: 'inactive\n', status: 3 });
    expect(readFileSync(join(root, 'run/systemd-standin/log'), 'utf8')).toBe(
      [
        'enable tpx-demo.service',
        'start tpx-demo.service',
        'reload tpx-demo.service',
        'mask tpx-demo.service',
        'unmask tpx-demo.service',
        'daemon-reload',
        'daemon-reload',
        'daemon-reexec',
        'disable tpx-demo.service',
        'stop tpx-demo.service',
        '',
      ].join('\n'),
    );
  });
});

/** A systemctl that answers from a script: the paths Ansible takes when systemctl misbehaves. */
describe("tpx's systemd host command against a scripted systemctl", () => {
  function runWith(script: string, raw: Record<string, unknown>) {
    const dir = mkdtempSync(join(tmpdir(), 'tpx-systemctl-scripted-'));
    try {
      writeFileSync(join(dir, 'systemctl'), `#!/bin/sh\n${script}\n`);
      chmodSync(join(dir, 'systemctl'), 0o755);
      const p = normaliseSystemd('systemd', systemdParams, raw);
      const r = spawnSync('sh', ['-s'], { input: systemdScript(p, false), env: { PATH: `${dir}:${process.env.PATH}` }, encoding: 'utf8' });
      return planSystemd(p, { systemd: execResult(r.stdout, r.status, r.stderr) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('a failing daemon-reload', () => {
    expect(runWith('echo "Access denied" >&2; exit 1', { name: 'x', state: 'started', daemon_reload: true })).toMatchObject({
      failed: true,
      msg: 'failure 1 during daemon-reload: Access denied\n',
    });
  });

  it('a unit that fails to load', () => {
    const show =
      'printf "Id=x.service\\nLoadState=bad-setting\\nActiveState=inactive\\nLoadError=org.freedesktop.systemd1.BadUnitSetting \\"Unit x.service has a bad unit file setting.\\"\\n"';
    expect(runWith(show, { name: 'x', state: 'started' })).toMatchObject({
      failed: true,
      msg: 'Error loading unit file \'x\': org.freedesktop.systemd1.BadUnitSetting "Unit x.service has a bad unit file setting."',
    });
  });

  it('show ignored (an old systemd): is-enabled finds the unit; no ActiveState, so the state is unknown', () => {
    const script = 'case $1 in show) echo "Unknown operation show, ignoring request." ;; is-enabled) echo disabled; exit 1 ;; esac';
    const plan = runWith(script, { name: 'x', state: 'started' });
    // Outside a chroot Ansible fails; this machine's test may run in one (then it warns).
    if (plan.failed) expect(plan).toMatchObject({ msg: 'Service is in unknown state', returns: { status: {} } });
    else expect(plan.returns?.warnings).toEqual([expect.stringContaining('Target is a chroot or systemd is offline')]);
  });

  it('start fails: its stderr', () => {
    const script =
      'case $1 in show) printf "Id=x.service\\nLoadState=loaded\\nActiveState=inactive\\n" ;; start) echo "Job for x.service failed." >&2; exit 1 ;; esac';
    expect(runWith(script, { name: 'x', state: 'started' })).toMatchObject({
      failed: true,
      changed: false,
      msg: 'Unable to start service x: Job for x.service failed.\n',
    });
  });
});
