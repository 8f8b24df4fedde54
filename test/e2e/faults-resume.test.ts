/**
 * `kill -9` of tpx in the middle of a rolling upgrade, then `--retry-failed JOURNAL`: the
 * journal (written per event) tells which hosts finished; the retry runs only the others,
 * under the killed run's id, waits for what the killed run left running on its host, and
 * every host ends upgraded. The finished host is not touched again.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { labSupported, useLab } from '../helpers/lab.js';
import { readReport, runIdOf, sectionLog, setInstallFault, startTpx, startingPoint, upgradeArgs, waitFor, wholeness } from './faults-helpers.js';
import { onHost } from './upgrade-helpers.js';

// serial [1, "25%", "100%"] on 6 hosts: batches [mesh-01], [mesh-02], [mesh-03 … mesh-06].
const lab = useLab({ hosts: 6, versions: ['2.8.3', '2.9.2-nocomments', '2.7.4', 'none', '2.8.3', '2.9.2'], packages: ['2.10.1'] });

const stateOf = (host: string): Promise<string> => onHost(lab.state, host, 'cat /var/lib/tpx/tproxy/state 2>/dev/null; true');

describe.skipIf(!labSupported())('kill -9 mid-rollout, then --retry-failed on the journal', () => {
  it('the retry runs only the unfinished hosts, under the same run id; all end upgraded; the finished one untouched', { timeout: 300_000 }, async () => {
    const { hosts, env, before, reference } = await startingPoint(lab.state);
    for (const h of hosts) await setInstallFault(lab.state, h, 'slow 4');

    const report = `${lab.dir}/killed.json`;
    const run = startTpx(upgradeArgs(lab.state, report), env);
    // Kill when mesh-01 is done (its host-end is in the journal) and mesh-02 is inside its install.
    let journal = '';
    const ready = await waitFor(
      async () => {
        journal = /^journal: (.*)$/m.exec(run.stdout)?.[1] ?? '';
        const id = runIdOf(run);
        if (!journal || !id) return false;
        const done = readFileSync(journal, 'utf8').includes('"type":"host-end","host":"mesh-01","status":"changed"');
        return done && (await sectionLog(lab.state, 'mesh-02', id)).includes('install:');
      },
      90_000,
      200,
    );
    expect(ready, run.stdout).toBe(true);
    const runId = runIdOf(run)!;
    run.child.kill('SIGKILL');
    const killed = await run.done;
    expect(killed.code).toBe(137);
    const killedAt = Date.now();
    const finishedState = await stateOf('mesh-01');
    expect(finishedState).toContain(`run=${runId}`);

    const retryReport = `${lab.dir}/retry.json`;
    const retry = startTpx(upgradeArgs(lab.state, retryReport, ['--retry-failed', journal]), env);
    const done = await retry.done;
    console.log(`killed ${killed.ms} ms into the run; retry: exit ${done.code} in ${done.ms} ms (${Date.now() - killedAt} ms after the kill)`);
    expect(done.code, retry.stdout + retry.stderr).toBe(0);

    const r = readReport(retryReport);
    expect(r.run_id).toBe(runId);
    // Only the hosts the killed run had not finished: mesh-01 was not run again.
    expect(Object.keys(r.hosts).sort()).toEqual(hosts.filter((h) => h !== 'mesh-01'));
    expect(retry.stdout).not.toContain('[mesh-01]');
    expect(await stateOf('mesh-01')).toBe(finishedState);
    // mesh-02's section, cut off from its caller by the kill, finished on its own; the retry
    // waited for it and found the host upgraded by that same run.
    expect(await stateOf('mesh-02')).toContain(`run=${runId}`);
    for (const h of hosts) expect(await wholeness(lab.state, h, before[h], reference), h).toBe('upgraded');

    // The journal now holds both processes of the run; nothing is left to retry.
    const again = startTpx(upgradeArgs(lab.state, `${lab.dir}/retry-2.json`, ['--retry-failed', journal]), env);
    const second = await again.done;
    expect(second.code, again.stdout).toBe(0);
    // Said so, and nothing connected (no run header, no journal line).
    expect(again.stdout).toMatch(/^tpx: nothing to retry: every host of the run in \S+ finished; nothing was run\n$/);
  });
});
