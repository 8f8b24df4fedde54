/**
 * tproxy.sh's apply under signals and re-runs, driven directly on a lab host: SIGTERM to the
 * waiting apply (an interrupted tpx) aborts the section — the install killed, the backup
 * restored, the outcome printed; SIGHUP or SIGKILL (a dropped connection) leaves the section
 * to finish; an outcome older than --not-before is archived and a new section starts, a
 * newer one is reported again.
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
const log = (run: string): Promise<string> => onHost(lab.state, H, `cat /var/lib/tpx/tproxy/runs/${run}/log 2>/dev/null; true`);
const outcome = (run: string): Promise<string> => onHost(lab.state, H, `cat /var/lib/tpx/tproxy/runs/${run}/outcome 2>/dev/null; true`);
const now = async (): Promise<number> => Number((await onHost(lab.state, H, 'date +%s')).trim());

describe.skipIf(!labSupported())('tproxy.sh apply: signals and re-runs', () => {
  it('TERM aborts and restores; HUP and KILL do not; --not-before starts anew after an earlier outcome', { timeout: 180_000 }, async () => {
    await onHost(lab.state, H, `mkdir -p /var/lib/tpx/bin && cat > ${HELPER} && chmod 755 ${HELPER}`, readFileSync(`${REPO}/playbooks/files/tproxy.sh`, 'utf8'));
    await onHost(lab.state, H, `mkdir -p ${BIN} && cat > ${BIN}/kumactl && chmod 755 ${BIN}/kumactl`, standInWrapper(TARGET, labStandInScript(lab.dir)));
    const before = await rawRules(lab.state, H);
    const same = async (): Promise<boolean> => {
      const now = await rawRules(lab.state, H);
      return maskCounters(now.ipv4) === maskCounters(before.ipv4) && maskCounters(now.ipv6) === maskCounters(before.ipv6);
    };

    // 1. SIGTERM to the waiter's process group while the install hangs: aborted, restored, reported.
    await setInstallFault(lab.state, H, 'hang');
    await onHost(lab.state, H, 'cat > /tmp/apply.sh && chmod 755 /tmp/apply.sh', `#!/bin/sh\nexec ${HELPER} apply ${OPTS} --run-id "$1"\n`);
    const term = await onHost(
      lab.state,
      H,
      `setsid /tmp/apply.sh t-term > /tmp/out.json 2>/dev/null & pid=$!; ` +
        `i=0; until grep -q 'install:' /var/lib/tpx/tproxy/runs/t-term/log 2>/dev/null || [ $i -gt 150 ]; do sleep 0.1; i=$((i+1)); done; sleep 1; ` +
        `start=$(date +%s%N); kill -TERM -$pid; wait $pid; echo "rc=$? ms=$(( ($(date +%s%N) - start) / 1000000 ))"; cat /tmp/out.json`,
    );
    const [status, json] = term.split('\n');
    expect(json, term).toMatch(/^\{/);
    expect(JSON.parse(json)).toMatchObject({ status: 'failed', changed: false, msg: expect.stringMatching(/^aborted: interrupted by the operator; restored from backup/) });
    expect(Number(/ms=(\d+)/.exec(status)![1])).toBeLessThan(3000);
    expect(await outcome('t-term')).toMatch(/^failed\naborted: interrupted by the operator/);
    expect(await same()).toBe(true);

    // 2. SIGHUP, then SIGKILL of the waiter (a dropped session): the section is untouched and finishes.
    await setInstallFault(lab.state, H, 'slow 3');
    await onHost(
      lab.state,
      H,
      `setsid /tmp/apply.sh t-hup > /dev/null 2>&1 & pid=$!; ` +
        `i=0; until grep -q 'install:' /var/lib/tpx/tproxy/runs/t-hup/log 2>/dev/null || [ $i -gt 150 ]; do sleep 0.1; i=$((i+1)); done; kill -HUP -$pid; sleep 0.3; kill -KILL -$pid 2>/dev/null; true`,
    );
    expect(await waitFor(async () => (await outcome('t-hup')) !== '', 60_000)).toBe(true);
    expect(await outcome('t-hup')).toMatch(/^changed\n/);
    expect(await log('t-hup')).not.toContain('abort');

    // 3. Same run id again: an outcome newer than --not-before is reported, not redone …
    const again = await helper(`apply ${OPTS} --run-id t-hup --not-before 1`);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 'changed' });
    // … one older (an earlier invocation, e.g. before a --retry-failed) is archived: a new section runs.
    await onHost(lab.state, H, 'rm -f /var/lib/tpx/tproxy/state'); // the next plan installs again
    await setInstallFault(lab.state, H, 'fail');
    const failed = await helper(`apply ${OPTS} --run-id t-retry`);
    expect(failed.code).toBe(1);
    // Without --not-before (a re-attach in the same tpx run) the failure is reported again, not redone.
    const reattach = await helper(`apply ${OPTS} --run-id t-retry`);
    expect(JSON.parse(reattach.stdout)).toMatchObject({ status: 'failed' });
    await new Promise((r) => setTimeout(r, 1100));
    const later = await now();
    const redo = await helper(`apply ${OPTS} --run-id t-retry --not-before ${later}`);
    expect(redo.code, redo.stderr).toBe(0);
    expect(JSON.parse(redo.stdout)).toMatchObject({ status: 'changed' });
    expect(JSON.parse(failed.stdout)).toMatchObject({ status: 'failed', msg: expect.stringMatching(/^install failed \(exit 1\)/) });
    expect(await onHost(lab.state, H, 'ls /var/lib/tpx/tproxy/runs')).toMatch(/^t-retry@\d+\.\d+$/m);
  });
});
