/**
 * Issue 15's first acceptance, on a 30-host lab: one host fails its install in the last batch
 * of the rolling upgrade. Report, JUnit and the screen (plain output) must give every host
 * that was upgraded `changed` — by its rules on the host, not by what tpx says — the failing
 * one `failed`, and call no host "not reached" (every host ran tasks).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INSTALL_FAULT_FILE } from '../../src/lab/index.js';
import { labSupported, useLab } from '../helpers/lab.js';
import { MARKER, TARGET, onHost, runUpgrade } from './upgrade-helpers.js';

const lab = useLab({ hosts: 30, versions: ['2.8.3', '2.9.2', 'none'], packages: [TARGET] });
const FAILING = 'mesh-30';

describe.skipIf(!labSupported())('statuses after a halt in the last batch (30 hosts)', () => {
  it('report, JUnit and screen: every upgraded host changed, the failing one failed, none "not reached"', { timeout: 240_000 }, async () => {
    await onHost(lab.state, FAILING, `mkdir -p ${INSTALL_FAULT_FILE.replace(/\/[^/]+$/, '')} && echo fail > ${INSTALL_FAULT_FILE}`);
    const junit = join(lab.dir, 'halt.junit.xml');
    const run = await runUpgrade(lab.state, ['--junit', junit], { timeoutMs: 180_000 });
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.report.halted).toMatchObject({ batch: 3 });
    // 30 hosts at once: no Node warning (MaxListenersExceededWarning and its kind) on stderr.
    expect(run.stderr).not.toMatch(/\(node:?\d*\) \w*Warning/);

    const names = lab.state.hosts.map((h) => h.name);
    const xml = readFileSync(junit, 'utf8');
    for (const host of names) {
      // What the host itself says: Kuma's chains, marked as 2.9+ marks them.
      const rules = await onHost(lab.state, host, 'iptables-save -t nat');
      const upgraded = rules.includes(':KUMA_MESH_OUTBOUND') && rules.includes(MARKER);
      const suite = new RegExp(`<testsuite name="${host}"[^>]*>([\\s\\S]*?)</testsuite>`).exec(xml)?.[1] ?? '';
      if (host === FAILING) {
        expect(upgraded, `${host}: restored`).toBe(false);
        expect(run.report.hosts[host].status).toBe('failed');
        expect(suite).toContain('<failure');
        continue;
      }
      expect(upgraded, `${host}: upgraded on the host`).toBe(true);
      expect(run.report.hosts[host].status, host).toBe('changed');
      expect(suite, host).not.toContain('<failure');
      expect(suite, host).not.toContain('name="not reached"');
    }
    expect(Object.values(run.report.hosts).filter((h) => h.status === 'not-reached')).toEqual([]);
    // The screen: the failing host's line, no "not reached" line, and the summary line's counts.
    expect(run.stdout).not.toMatch(/^not reached \(/m);
    expect(run.stdout).toMatch(/^30 hosts: 29 changed, 0 ok, 1 failed in [\d.]+s \(halted in batch 3 of /m);
  });
});
