/**
 * tproxy.sh's critical section on a lab host, driven directly: it survives its caller being
 * killed (a dropped SSH session), a second `apply` with the same token re-attaches and gets
 * the outcome, another section is refused while one runs, and `detect` waits for the section
 * (blocked on its lock, not polling) instead of planning from half-changed rules.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hostExec, labStandInScript, standInWrapper } from '../../src/lab/index.js';
import { labSupported, useLab } from '../helpers/lab.js';
import { REPO, TARGET, onHost } from './upgrade-helpers.js';

const lab = useLab({ hosts: 1, versions: ['2.9.2-nocomments'] });
const HELPER = '/var/lib/tpx/bin/tproxy.sh';
const BIN = `/opt/kuma/${TARGET}/bin`;
const OPTS = `--kumactl ${BIN}/kumactl --version ${TARGET} --args '--kuma-dp-user kuma-dp --redirect-dns' --timeout 60 --dns yes --marker yes`;

const helper = (args: string, timeoutMs = 30_000) => hostExec(lab.state, 'mesh-01', `${HELPER} ${args}`, { timeoutMs });

/** The helper in place, and a target kumactl whose install waits until /tmp/go-install exists. */
async function prepareHost(): Promise<void> {
  await onHost(
    lab.state,
    'mesh-01',
    `mkdir -p /var/lib/tpx/bin && cat > ${HELPER} && chmod 755 ${HELPER}`,
    readFileSync(`${REPO}/playbooks/files/tproxy.sh`, 'utf8'),
  );
  await onHost(
    lab.state,
    'mesh-01',
    `mkdir -p ${BIN} && cat > ${BIN}/kumactl.real && chmod 755 ${BIN}/kumactl.real`,
    standInWrapper(TARGET, labStandInScript(lab.dir)),
  );
  await onHost(
    lab.state,
    'mesh-01',
    `cat > ${BIN}/kumactl && chmod 755 ${BIN}/kumactl`,
    `#!/bin/sh\n[ "$1" = install ] && while [ ! -e /tmp/go-install ]; do sleep 0.1; done\nexec ${BIN}/kumactl.real "$@"\n`,
  );
}

/** Brings the host to the target through the helper itself (detect, then apply with its token), whatever ran before. */
async function upgradeHost(): Promise<void> {
  await onHost(lab.state, 'mesh-01', 'touch /tmp/go-install');
  const plan = JSON.parse((await helper(`detect ${OPTS}`)).stdout) as { action: string; token: string };
  if (plan.action === 'nothing') return;
  const applied = await helper(`apply ${OPTS} --run-id prep --token ${plan.token}`, 60_000);
  expect(applied.code, applied.stderr).toBe(0);
  expect((JSON.parse((await helper(`detect ${OPTS}`)).stdout) as { action: string }).action).toBe('nothing');
}

describe.skipIf(!labSupported())('tproxy.sh critical section', () => {
  it('survives its caller, re-attaches by token, holds the section lock, and makes detect wait', { timeout: 90_000 }, async () => {
    // A target kumactl whose install waits until the test lets it go: time to knock on the door meanwhile.
    await prepareHost();
    await onHost(lab.state, 'mesh-01', 'rm -f /tmp/go-install');

    // The caller is killed once the section's install runs (its pid recorded), as a dropped
    // SSH session would end it; bounded at 30 s.
    const pidFile = '/var/lib/tpx/tproxy/runs/run-a.t-a/install.pid';
    const cut = await onHost(
      lab.state,
      'mesh-01',
      `${HELPER} apply ${OPTS} --run-id run-a --token t-a > /dev/null 2>&1 & pid=$!; ` +
        `i=0; until [ -s ${pidFile} ] || [ $i -gt 600 ]; do sleep 0.05; i=$((i+1)); done; kill -9 $pid; wait $pid; echo $?`,
    );
    expect(cut.trim()).toBe('137');

    const other = await helper(`apply ${OPTS} --run-id run-b --token t-b --wait-max 1`);
    expect(other.code, other.stdout + other.stderr).toBe(1);
    expect(JSON.parse(other.stdout)).toMatchObject({ status: 'locked' });
    expect(other.stderr).toContain('another upgrade (run run-a) is working on this host');

    const waiting = await helper(`apply ${OPTS} --run-id run-a --token t-a --wait-max 1`);
    expect(waiting.code).toBe(3);
    expect(JSON.parse(waiting.stdout)).toMatchObject({ status: 'running' });

    // detect blocks until the section is done, saying what it waits for, then sees the
    // upgraded host. Its processes while it waits: itself and one flock, nothing forked per tick.
    const detecting = hostExec(lab.state, 'mesh-01', `${HELPER} detect ${OPTS}`, { timeoutMs: 30_000 });
    const children = await onHost(
      lab.state,
      'mesh-01',
      // Waits (bounded) for detect to be blocked on the section lock, then looks again half a
      // second later: still only the flock, so nothing is forked per tick.
      `kids() { for p in $(pgrep -f '^/bin/sh ${HELPER.replace('.', '[.]')} detect'); do for c in $(cat /proc/$p/task/$p/children); do cat /proc/$c/comm; done; done; }; ` +
        `i=0; until [ "$(kids)" = flock ] || [ $i -gt 200 ]; do sleep 0.05; i=$((i+1)); done; sleep 0.5; kids; true`,
    );
    await onHost(lab.state, 'mesh-01', 'touch /tmp/go-install');
    const detect = await detecting;
    expect(detect.code, detect.stderr).toBe(0);
    expect(detect.stderr).toMatch(/the upgrade of run run-a is working on this host \(step: install\); waiting up to 90 s for it to finish/);
    expect(JSON.parse(detect.stdout)).toMatchObject({ action: 'nothing', from: TARGET, to: TARGET });
    expect(children).toBe('flock\n');

    const attached = await helper(`apply ${OPTS} --run-id run-a --token t-a`);
    expect(attached.code, attached.stderr).toBe(0);
    expect(JSON.parse(attached.stdout)).toMatchObject({ status: 'changed', changed: true, msg: 'flush-install: rules without marker' });
    // The section lock is free; the next section may start (and finds nothing to do).
    expect(await onHost(lab.state, 'mesh-01', 'flock -n /var/lib/tpx/tproxy/section.lock echo free')).toBe('free\n');
    const next = await helper(`apply ${OPTS} --run-id run-c --token t-c`);
    expect(JSON.parse(next.stdout)).toMatchObject({ status: 'ok', changed: false });
  });

  it('detect --install-helper puts the helper in place only when the upgrade goes ahead, once (0755, by rename), and the package directory when kumactl is missing; a section refuses a kumactl of another version and touches nothing', {
    timeout: 60_000,
  }, async () => {
    // Its own starting point, whether or not the test above ran: the host at the target.
    await prepareHost();
    await upgradeHost();
    const copy = '/var/lib/tpx/other/bin/tproxy.sh';
    await onHost(
      lab.state,
      'mesh-01',
      `rm -rf /var/lib/tpx/other /tmp/d && mkdir -p /tmp/d && cat > /tmp/d/tproxy.sh`,
      readFileSync(`${REPO}/playbooks/files/tproxy.sh`, 'utf8'),
    );
    const detect = async (extra = '') => {
      const r = await hostExec(lab.state, 'mesh-01', `sh /tmp/d/tproxy.sh detect ${OPTS} --install-helper ${copy} ${extra}`, { timeoutMs: 30_000 });
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { action: string; helper: string };
    };
    // Upgraded: nothing to do, nothing installed.
    expect(await detect()).toMatchObject({ action: 'nothing', helper: '' });
    expect(await onHost(lab.state, 'mesh-01', 'ls /var/lib/tpx')).not.toMatch(/other/);
    // Damaged Kuma rules: an install is planned, the helper goes in place.
    await onHost(lab.state, 'mesh-01', 'iptables -t nat -F KUMA_MESH_INBOUND');
    expect(await detect()).toMatchObject({ action: 'install', helper: 'installed' });
    const installed = await onHost(
      lab.state,
      'mesh-01',
      `stat -c '%a %i' ${copy} && cmp ${copy} /tmp/d/tproxy.sh && echo same && stat -c %a /var/lib/tpx/other/bin`,
    );
    expect(installed).toMatch(/^755 \d+\nsame\n755\n$/);
    expect(await detect()).toMatchObject({ helper: 'same' });
    // Unchanged: not rewritten (same inode).
    expect((await onHost(lab.state, 'mesh-01', `stat -c '%a %i' ${copy}`)).trim()).toBe(installed.split('\n')[0]);
    expect((await hostExec(lab.state, 'mesh-01', `sh /tmp/d/tproxy.sh detect ${OPTS} --install-helper relative/path`)).stderr).toMatch(
      /paths must be absolute, without '\.' or '\.\.' parts, newlines or backslashes, got 'relative\/path'/,
    );

    // kumactl missing: with --package yes (only), detect also makes the directory the package
    // is unpacked into, two levels above kumactl (0755, root's), so the playbook needs no task for it.
    const pkgTop = '/opt/tpx-package-test';
    const pkgDir = `${pkgTop}/${TARGET}`;
    await onHost(lab.state, 'mesh-01', `rm -rf ${pkgTop}`);
    expect(await detect(`--kumactl ${pkgDir}/bin/kumactl --package no`)).toMatchObject({ action: 'install', helper: '' });
    expect(await onHost(lab.state, 'mesh-01', `[ -e ${pkgTop} ] && echo made || echo absent`)).toBe('absent\n');
    expect(await detect(`--kumactl ${pkgDir}/bin/kumactl --package yes`)).toMatchObject({ action: 'install', helper: 'same' });
    expect(await onHost(lab.state, 'mesh-01', `stat -c '%a %U' ${pkgTop} ${pkgDir}; ls -A ${pkgDir} | wc -l; rm -rf ${pkgTop}`)).toBe(
      '755 root\n755 root\n0\n',
    );

    // A kumactl that says it is another version: detect installs nothing, and the section
    // fails before any backup or flush.
    await onHost(
      lab.state,
      'mesh-01',
      `rm -rf /var/lib/tpx/other && mv ${BIN}/kumactl ${BIN}/kumactl.slow && printf '#!/bin/sh\necho "Client: Kuma 2.9.9"\n' > ${BIN}/kumactl && chmod 755 ${BIN}/kumactl`,
    );
    expect(await detect('--package yes')).toMatchObject({ action: 'install', helper: '' });
    const before = await onHost(lab.state, 'mesh-01', 'iptables-save | grep -v "^#"; ls /var/lib/tpx; ls /var/lib/tpx/backups | wc -l');
    const wrong = await helper(`apply ${OPTS} --run-id run-d --token t-d`);
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.stdout)).toMatchObject({ status: 'failed', msg: `${BIN}/kumactl reports version 2.9.9, not ${TARGET}; nothing was changed` });
    expect(await onHost(lab.state, 'mesh-01', 'iptables-save | grep -v "^#"; ls /var/lib/tpx; ls /var/lib/tpx/backups | wc -l')).toBe(before);
  });
});
