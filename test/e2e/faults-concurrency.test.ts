/**
 * Two tpx runs on one fleet at the same time: the per-host run lock lets one work on a
 * host and gives the other a clear error for it ("locked by run X since T (pid P on C)",
 * unreachable, exit 3); no host is worked on twice at once. A playbook appends start/end
 * markers around a sleep to a file on each host: they never interleave.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labSupported, useLab } from '../helpers/lab.js';
import { journalHome, readReport, runIdOf, runLockFree, startTpx, waitFor } from './faults-helpers.js';
import { onHost } from './upgrade-helpers.js';

const lab = useLab({ hosts: 4, versions: ['none'] });
const names = (): string[] => lab.state.hosts.map((h) => h.name);
const MARKS = '/tmp/tpx-concurrency-marks';

/** Start and end markers of each run on each host; a run that got the host holds it for 2 s. */
const PLAYBOOK = `
- hosts: all
  become: false
  tasks:
    - name: mark
      shell: "echo start {{ tpx_run_id }} >> ${MARKS}; sleep 2; echo end {{ tpx_run_id }} >> ${MARKS}"
`;

describe.skipIf(!labSupported())('two runs on one fleet at once', () => {
  it('each host is worked on by one run at a time; the other run gets the lock error for it', { timeout: 180_000 }, async () => {
    const hosts = names();
    const { env } = journalHome(lab.state);
    const playbook = join(lab.dir, 'marks.yaml');
    writeFileSync(playbook, PLAYBOOK);
    const args = (report: string): string[] => ['run', playbook, '-i', lab.state.inventoryFile, '--output', 'plain', '--report', report];
    let rounds = 0;
    let refused = 0;

    for (const offsetMs of [0, 300, 900]) {
      for (const h of hosts) await onHost(lab.state, h, `rm -f ${MARKS}`);
      const a = startTpx(args(`${lab.dir}/a-${offsetMs}.json`), env);
      await new Promise((r) => setTimeout(r, offsetMs));
      const b = startTpx(args(`${lab.dir}/b-${offsetMs}.json`), env);
      const [ra, rb] = await Promise.all([a.done, b.done]);
      expect(ra.code === 0 || ra.code === 3, a.stdout + a.stderr).toBe(true);
      expect(rb.code === 0 || rb.code === 3, b.stdout + b.stderr).toBe(true);
      const ids = { a: runIdOf(a)!, b: runIdOf(b)! };
      const reports = { a: readReport(`${lab.dir}/a-${offsetMs}.json`), b: readReport(`${lab.dir}/b-${offsetMs}.json`) };
      for (const h of hosts) {
        const lines = (await onHost(lab.state, h, `cat ${MARKS}`)).trim().split('\n');
        // Never interleaved: each run that got the host ran start to end alone. Usually one run
        // got it and the other was refused; on a loaded machine the first may be done with the
        // host before the second connects, which then gets it in turn.
        expect(lines.length === 2 || lines.length === 4, `${h} (offset ${offsetMs} ms): ${lines.join(' | ')}`).toBe(true);
        const [, winner] = lines[0].split(' ');
        expect(lines.slice(0, 2)).toEqual([`start ${winner}`, `end ${winner}`]);
        if (lines.length === 4) {
          const [, second] = lines[2].split(' ');
          expect(second).not.toBe(winner);
          expect(lines.slice(2)).toEqual([`start ${second}`, `end ${second}`]);
          for (const r of ['a', 'b'] as const) expect(reports[r].hosts[h].status, `${h}: run ${r}`).not.toBe('unreachable');
          continue;
        }
        const loser = winner === ids.a ? 'b' : 'a';
        const lost = reports[loser].hosts[h];
        expect(lost.status, `${h}: the other run`).toBe('unreachable');
        expect(lost.tasks[0].msg).toMatch(
          new RegExp(`^${h}: locked by run ${winner} since \\S+ \\(pid \\d+ on [^,]+, user tpx\\): another tpx run is working on this host$`),
        );
        refused++;
      }
      // Each run's exit code says whether it lost hosts: 3 (unreachable) or 0.
      for (const [name, code] of [
        ['a', ra.code],
        ['b', rb.code],
      ] as const) {
        const lostAny = hosts.some((h) => reports[name].hosts[h].status === 'unreachable');
        expect(code, `run ${name}`).toBe(lostAny ? 3 : 0);
      }
      rounds++;
    }
    // The lock did refuse: the two runs met on some host.
    expect(refused).toBeGreaterThan(0);
    // Every lock was released at the end: a third run gets every host.
    for (const h of hosts) expect(await waitFor(() => runLockFree(lab.state, h), 5_000), h).toBe(true);
    const c = startTpx(args(`${lab.dir}/c.json`), env);
    expect((await c.done).code, c.stdout).toBe(0);
    console.log(`concurrent runs: ${rounds} pairs on ${hosts.length} hosts; ${refused} host×run refusals with the lock error; no interleaving`);
  });
});
