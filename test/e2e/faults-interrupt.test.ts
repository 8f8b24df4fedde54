/**
 * SIGINT during the upgrade, at seeded random moments and once in the middle of a hung
 * install: tpx exits 99 within seconds, the report says interrupted, every host is whole
 * (upgraded, or byte-identical to before but for counters) — the hung install is stopped on
 * the host and the backup restored — and a plain re-run finishes the rollout.
 */
import { describe, expect, it } from 'vitest';
import { labSupported, useLab } from '../helpers/lab.js';
import {
  readReport,
  resetHost,
  runIdOf,
  sectionLog,
  seededRandom,
  setInstallFault,
  startTpx,
  startingPoint,
  upgradeArgs,
  waitFor,
  waitSectionsIdle,
  wholeness,
} from './faults-helpers.js';
import { onHost } from './upgrade-helpers.js';

const lab = useLab({ hosts: 4, versions: ['2.8.3', '2.9.2-nocomments', '2.7.4', 'none'], packages: ['2.10.1'] });
const SEED = 20261126;
const RANDOM_ROUNDS = 4;

describe.skipIf(!labSupported())('SIGINT during the upgrade', () => {
  it('random moments and a hung install: exit 99 within seconds, report interrupted, every host whole; a re-run finishes', { timeout: 600_000 }, async () => {
    const { hosts, env, before, reference } = await startingPoint(lab.state);
    const random = seededRandom(SEED);
    const figures: string[] = [];
    let whole = 0;

    for (let round = 0; round <= RANDOM_ROUNDS; round++) {
      const hungRound = round === RANDOM_ROUNDS;
      if (round > 0) for (const h of hosts) await resetHost(lab.state, h, before[h]);
      // mesh-01's install hangs (install_timeout is far away); the others take 3 s more.
      await setInstallFault(lab.state, 'mesh-01', 'hang');
      for (const h of hosts.slice(1)) await setInstallFault(lab.state, h, 'slow 3');
      const report = `${lab.dir}/interrupt-${round}.json`;
      const run = startTpx(upgradeArgs(lab.state, report, ['-e', '{"serial": [4], "max_fail_percentage": 100, "install_timeout": 90}']), env);

      let moment: string;
      if (hungRound) {
        // Wait until mesh-01's install is running (and hanging), then interrupt.
        const ready = await waitFor(
          async () => {
            const id = runIdOf(run);
            return id !== undefined && (await sectionLog(lab.state, 'mesh-01', id)).includes('install:');
          },
          60_000,
          200,
        );
        expect(ready, run.stdout).toBe(true);
        await new Promise((r) => setTimeout(r, 1000));
        moment = `during mesh-01's hung install (${Date.now() - run.started} ms)`;
      } else {
        const delay = Math.round(1500 + random() * 8000);
        await new Promise((r) => setTimeout(r, delay));
        moment = `${delay} ms`;
      }
      const signalled = Date.now();
      run.child.kill('SIGINT');
      const { code } = await run.done;
      const stopMs = Date.now() - signalled;
      expect(code, run.stdout + run.stderr).toBe(99);
      expect(stopMs, `exit after SIGINT at ${moment}:\n${run.stdout.slice(-3000)}`).toBeLessThan(10_000);
      const r = readReport(report);
      expect(r.interrupted).toBe(true);

      await waitSectionsIdle(lab.state, hosts, 120_000);
      const states: string[] = [];
      for (const h of hosts) {
        const w = await wholeness(lab.state, h, before[h], reference);
        expect(w, `${h} after SIGINT at ${moment}`).not.toBe('HALF-DONE');
        whole++;
        states.push(`${h} ${w}`);
      }
      if (hungRound) {
        expect(await wholeness(lab.state, 'mesh-01', before['mesh-01'], reference)).toBe('as-before');
        const upgrade = r.hosts['mesh-01'].tasks.find((t) => t.task.startsWith('upgrade:'))!;
        expect(upgrade.stdout).toMatch(/"status":"failed".*aborted: interrupted by the operator; restored from backup/);
        // The hung stand-in is gone from the host.
        expect(
          await onHost(
            lab.state,
            'mesh-01',
            `me=$(readlink /proc/self/ns/net); for p in $(pgrep -f -- '[-]-stand-in-version' || true); do [ "$(readlink /proc/$p/ns/net 2>/dev/null)" = "$me" ] && echo $p; done; true`,
          ),
        ).toBe('');
      }
      figures.push(`SIGINT at ${moment}: exit ${code} ${stopMs} ms after the signal; ${states.join(', ')}`);
    }

    for (const h of hosts) await onHost(lab.state, h, 'rm -f /var/lib/tpx/lab-faults/install');
    const rerun = startTpx(upgradeArgs(lab.state, `${lab.dir}/interrupt-rerun.json`), env);
    const done = await rerun.done;
    expect(done.code, rerun.stdout + rerun.stderr).toBe(0);
    for (const h of hosts) expect(await wholeness(lab.state, h, before[h], reference), h).toBe('upgraded');
    console.log(figures.join('\n'));
    console.log(
      `interrupts: ${RANDOM_ROUNDS + 1}; hosts whole: ${whole}/${(RANDOM_ROUNDS + 1) * hosts.length}; re-run: exit 0 in ${done.ms} ms, ${hosts.length} hosts upgraded`,
    );
  });
});
