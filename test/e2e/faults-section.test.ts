/**
 * tproxy.sh's apply under signals and re-runs, driven directly on a lab host: SIGTERM to the
 * waiting apply (an interrupted tpx) aborts the section — the install killed, the backup
 * restored, the outcome printed; SIGHUP or SIGKILL (a dropped connection) leaves the section
 * to finish; the same token is reported again, never redone, and a new token (a new detect:
 * a --retry-failed) always starts a new section, within the same second too.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hostExec, labStandInScript, standInWrapper } from '../../src/lab/index.js';
import { labSupported, useLab } from '../helpers/lab.js';
import { rawRules, setInstallFault, waitFor } from './faults-helpers.js';
import { REPO, TARGET, maskCounters, onHost } from './upgrade-helpers.js';

const lab = useLab({ hosts: 1, versions: ['2.9.2-nocomments'] });
const HELPER = '/var/lib/tpx/bin/tproxy.sh';
const BIN = `/opt/kuma/${TARGET}/bin`;
const OPTS = `--kumactl ${BIN}/kumactl --version ${TARGET} --args '--kuma-dp-user kuma-dp --redirect-dns' --timeout 60 --dns yes --marker yes`;
const H = 'mesh-01';

const helper = (args: string, timeoutMs = 60_000) => hostExec(lab.state, H, `${HELPER} ${args}`, { timeoutMs });
const log = (run: string): Promise<string> => onHost(lab.state, H, `cat /var/lib/tpx/tproxy/runs/${run}.*/log 2>/dev/null; true`);
const outcome = (run: string): Promise<string> => onHost(lab.state, H, `cat /var/lib/tpx/tproxy/runs/${run}.*/outcome 2>/dev/null; true`);

describe.skipIf(!labSupported())('tproxy.sh apply: signals and re-runs', () => {
  it('TERM aborts and restores; HUP and KILL do not; a token is reported again, a new token starts anew', { timeout: 180_000 }, async () => {
    await onHost(
      lab.state,
      H,
      `mkdir -p /var/lib/tpx/bin && cat > ${HELPER} && chmod 755 ${HELPER}`,
      readFileSync(`${REPO}/playbooks/files/tproxy.sh`, 'utf8'),
    );
    await onHost(lab.state, H, `mkdir -p ${BIN} && cat > ${BIN}/kumactl && chmod 755 ${BIN}/kumactl`, standInWrapper(TARGET, labStandInScript(lab.dir)));
    const before = await rawRules(lab.state, H);
    const same = async (): Promise<boolean> => {
      const now = await rawRules(lab.state, H);
      return maskCounters(now.ipv4) === maskCounters(before.ipv4) && maskCounters(now.ipv6) === maskCounters(before.ipv6);
    };

    // 1. SIGTERM to the waiter's process group while the install hangs: aborted, restored, reported.
    await setInstallFault(lab.state, H, 'hang');
    await onHost(lab.state, H, 'cat > /tmp/apply.sh && chmod 755 /tmp/apply.sh', `#!/bin/sh\nexec ${HELPER} apply ${OPTS} --run-id "$1" --token "tok-$1"\n`);
    const term = await onHost(
      lab.state,
      H,
      `setsid /tmp/apply.sh t-term > /tmp/out.json 2>/dev/null & pid=$!; ` +
        // Waits (bounded) until the install runs: its pid recorded and alive.
        `i=0; until { read -r ip < /var/lib/tpx/tproxy/runs/t-term.tok-t-term/install.pid && kill -0 "$ip"; } 2>/dev/null || [ $i -gt 150 ]; do sleep 0.1; i=$((i+1)); done; ` +
        `start=$(date +%s%N); kill -TERM -$pid; wait $pid; echo "rc=$? ms=$(( ($(date +%s%N) - start) / 1000000 ))"; cat /tmp/out.json`,
    );
    const [status, json] = term.split('\n');
    expect(json, term).toMatch(/^\{/);
    expect(JSON.parse(json)).toMatchObject({
      status: 'failed',
      changed: false,
      msg: expect.stringMatching(/^aborted: interrupted by the operator; restored from backup/),
    });
    // The install hangs for good: only a prompt abort ends the waiter at all; the margin is for a loaded machine.
    expect(Number(/ms=(\d+)/.exec(status)![1])).toBeLessThan(10_000);
    expect(await outcome('t-term')).toMatch(/^failed\naborted: interrupted by the operator/);
    expect(await same()).toBe(true);

    // 2. SIGHUP, then SIGKILL of the waiter (a dropped session): the section is untouched and finishes.
    await setInstallFault(lab.state, H, 'slow 3');
    await onHost(
      lab.state,
      H,
      `setsid /tmp/apply.sh t-hup > /dev/null 2>&1 & pid=$!; ` +
        `i=0; until grep -q 'install:' /var/lib/tpx/tproxy/runs/t-hup.tok-t-hup/log 2>/dev/null || [ $i -gt 150 ]; do sleep 0.1; i=$((i+1)); done; kill -HUP -$pid; sleep 0.3; kill -KILL -$pid 2>/dev/null; true`,
    );
    expect(await waitFor(async () => (await outcome('t-hup')) !== '', 60_000)).toBe(true);
    expect(await outcome('t-hup')).toMatch(/^changed\n/);
    expect(await log('t-hup')).not.toContain('abort');

    // 3. The same token again (a retry of the task, a re-attach): reported, not redone.
    const again = await helper(`apply ${OPTS} --run-id t-hup --token tok-t-hup`);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 'changed' });
    expect(await log('t-hup')).not.toMatch(/plan:[\s\S]*plan:/);
    // A failure, then the same run id with a new token at once (a --retry-failed after the
    // install was fixed, within the same second): a new section runs and succeeds.
    await onHost(lab.state, H, 'rm -f /var/lib/tpx/tproxy/state'); // the next plan installs again
    await setInstallFault(lab.state, H, 'fail');
    const failed = await helper(`apply ${OPTS} --run-id t-retry --token first`);
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ status: 'failed', msg: expect.stringMatching(/^install failed \(exit 1\)/) });
    const reattach = await helper(`apply ${OPTS} --run-id t-retry --token first`);
    expect(JSON.parse(reattach.stdout)).toMatchObject({ status: 'failed' });
    const redo = await helper(`apply ${OPTS} --run-id t-retry --token second`);
    expect(redo.code, redo.stderr).toBe(0);
    expect(JSON.parse(redo.stdout)).toMatchObject({ status: 'changed' });
    expect(await onHost(lab.state, H, 'ls /var/lib/tpx/tproxy/runs | grep t-retry')).toBe('t-retry.first\nt-retry.second\n');
  });
});
