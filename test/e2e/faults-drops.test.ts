/**
 * Connections dropped at ten moments across the upgrade's critical section (the lab bridge
 * resets each host's TCP connection `afterMs` after it was accepted, once; the stand-in's
 * install is slowed so drops land inside it): every host ends whole — upgraded, or
 * byte-identical to before but for packet counters — and a plain re-run upgrades the rest.
 * Two rounds of five hosts; the hosts are put back to their seeded rules in between.
 */
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { setLabFault } from '../../src/lab/index.js';
import { labSupported, useLab } from '../helpers/lab.js';
import {
  readReport,
  resetHost,
  setInstallFault,
  startTpx,
  startingPoint,
  upgradeArgs,
  waitFor,
  waitSectionsIdle,
  wholeness,
  type Wholeness,
} from './faults-helpers.js';

const lab = useLab({ hosts: 5, versions: ['2.8.3', '2.9.2', '2.9.2-nocomments', 'none', '2.7.4'], packages: ['2.10.1'] });

/**
 * ms after the host's connection was accepted. The install takes 9 s more than usual, so the
 * last drop (8.4 s) still lands while tpx waits on the section, however fast the rest goes.
 */
const ROUNDS: readonly (readonly number[])[] = [
  [300, 1000, 1500, 1900, 2400],
  [3500, 5000, 6500, 7600, 8400],
];

/** Where the host's drop landed: the task it cut, as the -vv output and the report tell. */
function dropMoment(stdout: string, host: string, tasks: readonly { task: string; status: string }[]): string {
  const unreachable = tasks.find((t) => t.status === 'unreachable');
  if (unreachable) return `${unreachable.task} (unreachable)`;
  const warning = new RegExp(`^WARNING \\[${host}\\] (.+?): connection lost`, 'm').exec(stdout);
  if (warning) return `${warning[1]} (retried)`;
  // A drop between commands: the next command reconnected. The last task started before it.
  const lines = stdout.split('\n');
  const again = lines.findIndex((l, i) => l === `[${host}] connecting` && lines.slice(0, i).includes(`[${host}] connecting`));
  if (again < 0) return 'no drop seen';
  const started = lines
    .slice(0, again)
    .reverse()
    .find((l) => l.startsWith(`[${host}] `) && l.endsWith(': started'));
  return `${started?.slice(host.length + 3, -': started'.length) ?? 'before the first task'} (reconnected)`;
}

describe.skipIf(!labSupported())('dropped connections during the upgrade', () => {
  it('ten drops across the critical section: every host whole, a plain re-run upgrades the rest', { timeout: 420_000 }, async () => {
    const { hosts, env, before, reference } = await startingPoint(lab.state);
    const tally = { injected: 0, observed: 0, whole: 0, asBefore: 0, upgraded: 0 };
    const where: string[] = [];
    const halfDone: string[] = [];

    for (let round = 0; round < ROUNDS.length; round++) {
      if (round > 0) for (const h of hosts) await resetHost(lab.state, h, before[h]);
      for (const h of hosts) await setInstallFault(lab.state, h, 'slow 9');
      for (let i = 0; i < hosts.length; i++) await setLabFault(lab.dir, hosts[i], { kind: 'drop', afterMs: ROUNDS[round][i] });
      tally.injected += hosts.length;
      const report = `${lab.dir}/drops-${round}.json`;
      // One batch, no halting: every host's drop plays out on its own. -vv shows each connect.
      const run = startTpx(upgradeArgs(lab.state, report, ['-e', '{"serial": [5], "max_fail_percentage": 100}', '-vv']), env);
      // Each host's fault is lifted once its drop showed (a reconnect, a warning or an
      // unreachable line), so that it drops once: the next connection lasts.
      const dropped = (h: string): boolean =>
        new RegExp(`^(WARNING )?\\[${h}\\] .*(unreachable|connection lost)`, 'm').test(run.stdout) || run.stdout.split(`[${h}] connecting`).length > 2;
      let finished = false;
      const lifted = hosts.map(async (h) => {
        const seen = await waitFor(() => finished || dropped(h), 120_000, 50);
        await setLabFault(lab.dir, h, null);
        return seen && dropped(h);
      });
      const { code, ms } = await run.done;
      finished = true;
      if (process.env.TPX_TEST_KEEP) writeFileSync(`${process.env.TPX_TEST_KEEP}/drops-${round}.out`, run.stdout + run.stderr);
      for (const h of hosts) await setLabFault(lab.dir, h, null);
      const seen = await Promise.all(lifted);
      tally.observed += seen.filter(Boolean).length;
      await waitSectionsIdle(lab.state, hosts);

      const r = readReport(report);
      for (let i = 0; i < hosts.length; i++) {
        const h = hosts[i];
        const w: Wholeness = await wholeness(lab.state, h, before[h], reference);
        const hit = dropMoment(run.stdout, h, r.hosts[h].tasks);
        where.push(`${ROUNDS[round][i]}ms ${h}: ${hit} → ${w} (${r.hosts[h].status})`);
        if (w === 'HALF-DONE') halfDone.push(`${h} after a drop at ${ROUNDS[round][i]} ms (${hit})`);
        else tally.whole++;
        if (w === 'as-before') tally.asBefore++;
        if (w === 'upgraded') tally.upgraded++;
      }
      console.log(`round ${round + 1}: exit ${code} in ${ms} ms`);

      const rerun = startTpx(upgradeArgs(lab.state, `${lab.dir}/drops-${round}-rerun.json`), env);
      const again = await rerun.done;
      expect(again.code, rerun.stdout + rerun.stderr).toBe(0);
      for (const h of hosts) expect(await wholeness(lab.state, h, before[h], reference), `${h} after the re-run`).toBe('upgraded');
      console.log(`round ${round + 1} re-run: exit 0 in ${again.ms} ms, ${hosts.length} hosts upgraded`);
    }
    console.log(where.join('\n'));
    console.log(
      `drops: ${tally.injected} injected, ${tally.observed} seen by tpx; hosts whole: ${tally.whole}/${tally.injected} (${tally.upgraded} upgraded, ${tally.asBefore} as before)`,
    );
    expect(halfDone, 'hosts left half-done').toEqual([]);
    expect(tally.whole).toBe(tally.injected);
    // Every drop landed while tpx was connected, and tpx noticed each one.
    expect(tally.observed, where.join('\n')).toBe(tally.injected);
  });
});
