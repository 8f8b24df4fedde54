/**
 * The host side as a local attacker sees it: a second, unprivileged user on a lab host
 * (uid 65534, `nobody`, through setpriv) plants links at the paths tpx once used, holds
 * every lock it can open, forges holder records, and offers its own kumactl. The login
 * user's files stay untouched, runs are neither blocked nor redirected, and nothing the
 * attacker wrote is run as root. Also: a run killed mid-command leaves no stale lock (the
 * next run goes ahead at once and names what was left running), and a --retry-failed
 * started in the same second as the failure it retries runs the upgrade anew.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { labSupported, useLab } from '../helpers/lab.js';
import { readReport, setInstallFault, startTpx, upgradeArgs, waitFor } from './faults-helpers.js';
import { REPO, TARGET, onHost } from './upgrade-helpers.js';

const lab = useLab({ hosts: 2, versions: ['2.8.3', '2.9.2'], packages: [TARGET] });
const H = 'mesh-01';
/** Runs a command on the host as the attacker: uid/gid 65534, no supplementary groups. */
const asAttacker = (command: string): Promise<string> =>
  onHost(lab.state, H, `setpriv --reuid=65534 --regid=65534 --clear-groups sh -c '${command.replace(/'/g, `'\\''`)}'`);
const env = (): Record<string, string> => ({ XDG_STATE_HOME: join(lab.dir, 'xdg-state') });
let seq = 0;
const report = (): string => join(lab.dir, `security-${++seq}.json`);

/** A small playbook for the lab, on mesh-01, with or without become. */
function playbook(become: boolean, command = 'true'): string {
  const file = join(lab.dir, `pb-${++seq}.yaml`);
  writeFileSync(file, `- hosts: ${H}\n  become: ${become}\n  tasks:\n    - command: ${JSON.stringify(command)}\n`);
  return file;
}

async function tpx(args: readonly string[]): Promise<{ code: number; out: string }> {
  const run = startTpx(args, env(), 120_000);
  const { code } = await run.done;
  return { code, out: run.stdout + run.stderr };
}

/** The upgrade playbook on one host, plain output, with these extra arguments. */
const upgrade = (host: string, ...extra: string[]): Promise<{ code: number; out: string }> =>
  tpx(['run', join(REPO, 'playbooks/upgrade.yaml'), '-i', lab.state.inventoryFile, '-l', host, '--output', 'plain', ...extra]);

/** The login user's files the attacker aims at: content and mode. */
const victims = (): Promise<string> =>
  onHost(lab.state, H, `for f in /home/tpx/.bashrc /home/tpx/.profile /home/tpx/target; do stat -c '%n %a %U' "$f"; md5sum < "$f"; done`);

afterEach(async () => {
  if (!labSupported()) return;
  // End the attacker's lingering process by the PID it noted (the host shares this machine's PIDs).
  await onHost(lab.state, H, 'p=$(cat /tmp/attacker.pid 2>/dev/null) && kill -KILL "-$p"; rm -rf /tmp/tpx-lock /tmp/m /tmp/evil /tmp/attacker.pid; true');
});

describe.skipIf(!labSupported())('host lock and state against a local attacker', () => {
  it("links planted at the old lock paths are never followed: the login user's files keep their mode and bytes", { timeout: 120_000 }, async () => {
    await onHost(
      lab.state,
      H,
      'touch /home/tpx/.bashrc /home/tpx/.profile && echo secret > /home/tpx/target && chown tpx:tpx /home/tpx/.bashrc /home/tpx/.profile /home/tpx/target && chmod 600 /home/tpx/target',
    );
    const before = await victims();
    // The attacker's /tmp/tpx-lock, mode 0777 as tpx once made it, with links to the login user's files.
    await asAttacker(
      'mkdir -m 0777 /tmp/tpx-lock && ln -s /home/tpx/.bashrc /tmp/tpx-lock/lock && ln -s /home/tpx/target /tmp/tpx-lock/holder && ' +
        'ln -s /home/tpx/target /tmp/tpx-lock/phase && i=1; while [ $i -le 400 ]; do ln -s /home/tpx/.profile /tmp/tpx-lock/holder.$(( $$ + i )); i=$((i+1)); done',
    );
    for (const become of [true, false]) {
      const run = await tpx(['run', playbook(become), '-i', lab.state.inventoryFile, '--output', 'plain']);
      expect(run.code, run.out).toBe(0);
      expect(run.out).not.toMatch(/lock is not available|locked by/);
    }
    expect(await victims()).toBe(before);
    // The locks tpx took: root's /run/tpx and the login user's own state dir, 0700 each.
    expect(await onHost(lab.state, H, "stat -c '%n %a %U' /run/tpx /run/tpx/lock /home/tpx/.local/state/tpx /home/tpx/.local/state/tpx/lock")).toBe(
      '/run/tpx 700 root\n/run/tpx/lock 600 root\n/home/tpx/.local/state/tpx 700 tpx\n/home/tpx/.local/state/tpx/lock 600 tpx\n',
    );
  });

  it('an attacker holding every lock it can open and forging holders blocks no run', { timeout: 120_000 }, async () => {
    for (const become of [true, false]) expect((await tpx(['run', playbook(become), '-i', lab.state.inventoryFile])).code).toBe(0);
    // It cannot open the real locks at all …
    for (const path of ['/run/tpx/lock', '/home/tpx/.local/state/tpx/lock']) {
      await expect(asAttacker(`exec 9< ${path}`)).rejects.toThrow(/Permission denied/);
    }
    await expect(asAttacker('mkdir /run/tpx-x')).rejects.toThrow(/Permission denied/);
    // … so it holds what it can: the old lock path, with a forged holder, for ten minutes.
    await asAttacker(
      'mkdir -m 1777 /tmp/tpx-lock && printf "run=maintenance\\npid=1\\ncontroller=x\\nsshd=1:1\\n" > /tmp/tpx-lock/holder && : > /tmp/tpx-lock/lock',
    );
    // Its own session (setsid execs flock in place): the test ends the whole group by its PID.
    await asAttacker('setsid flock /tmp/tpx-lock/lock sleep 600 > /dev/null 2>&1 & echo $! > /tmp/attacker.pid');
    expect(await waitFor(async () => (await onHost(lab.state, H, 'flock -n /tmp/tpx-lock/lock true && echo free || echo held')).trim() === 'held', 5_000)).toBe(
      true,
    );
    for (const become of [true, false]) {
      const run = await tpx(['run', playbook(become), '-i', lab.state.inventoryFile, '--output', 'plain']);
      expect(run.code, run.out).toBe(0);
      expect(run.out).not.toMatch(/maintenance|locked by|lock is not available/);
    }
  });

  it('a run killed mid-command leaves no stale lock: the next run goes ahead at once and names what is still running', { timeout: 120_000 }, async () => {
    // A duration no other process on this machine sleeps, so that the test finds (and ends) only its own.
    const long = startTpx(['run', playbook(true, 'sleep 59.123'), '-i', lab.state.inventoryFile, '--output', 'plain'], env());
    expect(await waitFor(async () => (await onHost(lab.state, H, "pgrep -f -x 'sleep 59[.]123' | wc -l")).trim() !== '0', 30_000)).toBe(true);
    long.child.kill('SIGKILL');
    await long.done;
    const started = Date.now();
    const next = await tpx(['run', playbook(true), '-i', lab.state.inventoryFile, '--output', 'plain']);
    expect(next.code, next.out).toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(next.out).toMatch(
      /the last connection of run \S+ \(pid \d+ on [^)]+\) ended without releasing the host lock; \d+ process(es)? it started still runs? on the host: \d+ `[^`]*sleep 59\.123/,
    );
    await onHost(lab.state, H, "pkill -f -x 'sleep 59[.]123'; true");
  });

  it('a login-user switch never lets the run lock go: a second run is refused while the first works as another user', { timeout: 120_000 }, async () => {
    // The first task takes root's lock (become); the second logs in as tpxpw (no become:
    // its lock is tpxpw's own) and waits for a file the test writes.
    const file = join(lab.dir, `pb-${++seq}.yaml`);
    const gate = '/home/tpxpw/go-switch';
    writeFileSync(
      file,
      `- hosts: ${H}\n  become: true\n  remote_user: tpx\n  tasks:\n    - command: "true"\n    - command: timeout 60 sh -c 'until [ -e ${gate} ]; do sleep 0.1; done'\n      become: false\n      remote_user: tpxpw\n`,
    );
    // The lab inventory's `user` variable would win over the keyword: leave it out, log in as tpx by the keyword.
    const inventory = parse(readFileSync(lab.state.inventoryFile, 'utf8')) as { all: { vars: Record<string, unknown> } };
    delete inventory.all.vars.user;
    const inventoryFile = join(lab.dir, `inventory-${seq}.yaml`);
    writeFileSync(inventoryFile, stringify(inventory));
    await onHost(lab.state, H, `rm -f ${gate}`);
    const first = startTpx(['run', file, '-i', inventoryFile, '--output', 'plain'], env());
    const waiting = async (): Promise<boolean> => (await onHost(lab.state, H, `pgrep -u tpxpw -f 'until \\[ -e ${gate}' | wc -l`)).trim() !== '0';
    expect(await waitFor(waiting, 30_000), first.stdout + first.stderr).toBe(true);
    const second = await tpx(['run', playbook(true), '-i', lab.state.inventoryFile, '--output', 'plain']);
    await onHost(lab.state, H, `touch ${gate}`);
    const done = await first.done;
    expect(done.code, first.stdout + first.stderr).toBe(0);
    expect(second.code, second.out).not.toBe(0);
    expect(second.out).toMatch(/locked by run \S+ since/);
  });

  it('a --retry-failed in the same second as the failure runs the upgrade anew (outcomes go by token, not time)', { timeout: 180_000 }, async () => {
    await setInstallFault(lab.state, H, 'fail');
    const first = report();
    const failed = startTpx(upgradeArgs(lab.state, first, ['-l', H]), env());
    expect((await failed.done).code, failed.stdout).toBe(2);
    // At once, with the fault gone (it fires once): the retry must not be served the old outcome.
    const retry = startTpx(upgradeArgs(lab.state, report(), ['-l', H, '--retry-failed', first]), env());
    const done = await retry.done;
    expect(done.code, retry.stdout + retry.stderr).toBe(0);
    expect(readReport(first).hosts[H].status).toBe('failed');
    const upgrade = retry.stdout.split('\n').find((l) => l.startsWith(`[${H}] upgrade:`));
    expect(upgrade).toMatch(/: changed/);
  });

  it("a kuma_version or kumactl that points into the attacker's files is refused; nothing of theirs runs as root", { timeout: 120_000 }, async () => {
    // The attacker's "kumactl": it would leave a root-owned file behind if root ran it.
    await asAttacker(
      'mkdir -p /tmp/m/bin && printf "#!/bin/sh\\nid -u > /tmp/evil\\necho Client: Kuma 2.10.1\\n" > /tmp/m/bin/kumactl && chmod 755 /tmp/m/bin/kumactl',
    );
    const traversal = await upgrade(H, '-e', 'kuma_version=2.10.1/../../../tmp/m', '--check');
    expect(traversal.code, traversal.out).not.toBe(0);
    expect(traversal.out).toMatch(/kuma_version must be a version like 2\.10\.1/);
    const direct = await upgrade(H, '-e', `kuma_version=${TARGET}`, '-e', 'kumactl=/tmp/m/bin/kumactl', '--check');
    expect(direct.code, direct.out).toBe(2);
    expect(direct.out, direct.out).toMatch(/refusing to run as root: \/tmp is writable by other users \(mode 1777\)/);
    // Backups into a world-writable place: the section refuses before it touches anything.
    const rulesBefore = await onHost(lab.state, 'mesh-02', 'iptables-save | grep -v "^#"');
    const pkg = join(lab.dir, 'packages', `kuma-${TARGET}.tar.gz`);
    const backups = await upgrade('mesh-02', '-e', `kuma_version=${TARGET}`, '-e', `kuma_package=${pkg}`, '-e', 'backup_dir=/tmp/m/backups');
    expect(backups.code, backups.out).toBe(2);
    expect(backups.out).toMatch(/refusing to run as root: \/tmp is writable by other users \(mode 1777\)/);
    expect(await onHost(lab.state, 'mesh-02', 'iptables-save | grep -v "^#"')).toBe(rulesBefore);
    // A tproxy_args word that looks like a module option (executable=…) stays an argument of the
    // helper: it never picks the interpreter that runs as root.
    await asAttacker('printf "#!/bin/sh\\nid -u > /tmp/evil\\n" > /tmp/m/interp && chmod 755 /tmp/m/interp');
    const option = await upgrade(H, '-e', `kuma_version=${TARGET}`, '-e', 'tproxy_args=executable=/tmp/m/interp', '--check');
    expect(option.code, option.out).toBe(0);
    // A backslash in a path (awk would read it as an escape): refused before connecting.
    const escaped = await upgrade(H, '-e', `kuma_version=${TARGET}`, '-e', 'backup_dir=/var/lib/tpx/backups\\057..\\057..\\057..\\057tmp');
    expect(escaped.code, escaped.out).toBe(4);
    expect(await onHost(lab.state, H, 'ls /tmp/evil 2>&1; true')).toMatch(/No such file/);
  });
});
