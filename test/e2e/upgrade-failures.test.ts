/**
 * The upgrade playbook when things go wrong, and flush_mode all, on a small lab through the
 * built `tpx`: a missing kumactl stops a host before anything is touched; an install failure
 * in the second batch restores that host exactly and halts the rollout; a hung install is
 * killed at install_timeout and restored; a failure after the install laid new tables removes
 * them; flush_mode all empties nat, raw and mangle (Docker's nat rules too) but not filter.
 */
import { describe, expect, it } from 'vitest';
import { INSTALL_FAULT_FILE, labStandInScript, standInWrapper } from '../../src/lab/index.js';
import { labSupported, useLab } from '../helpers/lab.js';
import {
  FAMILIES,
  TARGET,
  foreignLines,
  kumaLines,
  labForeignLines,
  listFiles,
  onHost,
  planLine,
  referenceKumaLines,
  runUpgrade,
  saveRules,
  snapshotRules,
} from './upgrade-helpers.js';

// mesh-01 2.8.3, mesh-02 2.9.2, mesh-03 2.9.2-nocomments, mesh-04 none, mesh-05 2.7.4, mesh-06 2.8.3.
// serial [1, "25%", "100%"] on 6 hosts: batches [mesh-01], [mesh-02], [mesh-03 … mesh-06].
const lab = useLab({ hosts: 6, versions: ['2.8.3', '2.9.2', '2.9.2-nocomments', 'none', '2.7.4', '2.8.3'], packages: [TARGET] });
const names = (): string[] => lab.state.hosts.map((h) => h.name);

const upgradeTask = (run: Awaited<ReturnType<typeof runUpgrade>>, host: string) => run.report.hosts[host].tasks.find((t) => t.task.startsWith('upgrade:'));
const setFault = (host: string, fault: string): Promise<string> =>
  onHost(lab.state, host, `mkdir -p ${INSTALL_FAULT_FILE.replace(/\/[^/]+$/, '')} && echo ${fault} > ${INSTALL_FAULT_FILE}`);

/** Processes of the kumactl stand-in still running inside the host's network namespace. */
const standInsLeft = (host: string): Promise<string> =>
  onHost(
    lab.state,
    host,
    `me=$(readlink /proc/self/ns/net); for p in $(pgrep -f -- '[-]-stand-in-version' || true); do [ "$(readlink /proc/$p/ns/net 2>/dev/null)" = "$me" ] && echo $p; done; true`,
  );

describe.skipIf(!labSupported())('upgrade playbook failures and flush modes', () => {
  it('a missing target kumactl without kuma_package fails the host before anything is touched', { timeout: 60_000 }, async () => {
    const rules = await snapshotRules(lab.state, ['mesh-01']);
    const files = await listFiles(lab.state, 'mesh-01');

    const run = await runUpgrade(lab.state, ['-l', 'mesh-01'], { package: false });

    expect(run.code).toBe(2);
    expect(run.stdout).toContain(`/opt/kuma/${TARGET}/bin/kumactl is not on the host and kuma_package is not set`);
    expect(run.report.hosts['mesh-01'].status).toBe('failed');
    expect(await snapshotRules(lab.state, ['mesh-01'])).toEqual(rules);
    expect(await listFiles(lab.state, 'mesh-01')).toBe(files);
  });

  it('an install failure in the second batch: that host restored exactly, later batches untouched, exit 2, halted batch named', {
    timeout: 120_000,
  }, async () => {
    await setFault('mesh-02', 'fail-after-cleanup');
    const before = await snapshotRules(lab.state, names());
    const later = ['mesh-03', 'mesh-04', 'mesh-05', 'mesh-06'];
    const laterFiles = await Promise.all(later.map((h) => listFiles(lab.state, h)));

    const run = await runUpgrade(lab.state);
    console.log(`failing rollout: ${run.ms} ms`);

    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.report.halted).toMatchObject({ batch: 2 });
    expect(run.stdout).toMatch(/HALTED batch 2 /);
    // Batch 1 went through.
    expect(run.report.hosts['mesh-01'].status).toBe('changed');
    expect(kumaLines(await saveRules(lab.state, 'mesh-01', 'ipv4'))).toEqual((await referenceKumaLines(lab.state, 'mesh-01')).ipv4);
    // The failed host: the reason, and its rules exactly as before (2.9 had cleaned its own rules up before failing).
    expect(run.report.hosts['mesh-02'].status).toBe('failed');
    const task = upgradeTask(run, 'mesh-02')!;
    expect(task.stderr).toMatch(/install failed \(exit 1\): Error: lab fault: install failed; restored from backup/);
    expect(await snapshotRules(lab.state, ['mesh-02'])).toEqual({ 'mesh-02': before['mesh-02'] });
    // Later batches: never reached, nothing changed.
    for (const h of later) expect(run.report.hosts[h].tasks, h).toEqual([]);
    expect(await snapshotRules(lab.state, later)).toEqual(Object.fromEntries(later.map((h) => [h, before[h]])));
    expect(await Promise.all(later.map((h) => listFiles(lab.state, h)))).toEqual(laterFiles);
  });

  it('a hung install is killed at install_timeout, the flushed host restored and failed', { timeout: 90_000 }, async () => {
    await setFault('mesh-03', 'hang');
    const before = await snapshotRules(lab.state, ['mesh-03']);

    const run = await runUpgrade(lab.state, ['-l', 'mesh-03', '-e', 'install_timeout=3']);
    console.log(`hung install with install_timeout=3: ${run.ms} ms`);

    expect(run.code).toBe(2);
    expect(planLine(run.stdout, 'mesh-03')).toBe(`mesh-03  2.9.2 → ${TARGET}  flush: yes (rules without marker)`);
    expect(upgradeTask(run, 'mesh-03')!.stderr).toMatch(/install timed out after 3s; restored from backup/);
    expect(await snapshotRules(lab.state, ['mesh-03'])).toEqual(before);
    expect(await standInsLeft('mesh-03')).toBe('');
    expect(run.ms).toBeLessThan(30_000);
  });

  it('a failure after the install laid its rules removes the tables it created (raw) and restores the rest', { timeout: 60_000 }, async () => {
    // mesh-04 has no Kuma and no raw table; its target kumactl installs, then reports failure.
    const bin = `/opt/kuma/${TARGET}/bin`;
    const wrapper = `#!/bin/sh\n${bin}/kumactl.real "$@" || exit $?\n[ "$1" = install ] && { echo "Error: lab: failed after applying" >&2; exit 1; }\nexit 0\n`;
    await onHost(
      lab.state,
      'mesh-04',
      `mkdir -p ${bin} && cat > ${bin}/kumactl.real && chmod 755 ${bin}/kumactl.real`,
      standInWrapper(TARGET, labStandInScript(lab.dir)),
    );
    await onHost(lab.state, 'mesh-04', `cat > ${bin}/kumactl && chmod 755 ${bin}/kumactl`, wrapper);
    const before = await snapshotRules(lab.state, ['mesh-04']);
    expect(before['mesh-04'].ipv4).not.toContain('*raw');

    const run = await runUpgrade(lab.state, ['-l', 'mesh-04']);

    expect(run.code).toBe(2);
    expect(upgradeTask(run, 'mesh-04')!.stderr).toMatch(/install failed \(exit 1\): Error: lab: failed after applying; restored/);
    const after = await snapshotRules(lab.state, ['mesh-04']);
    expect(after).toEqual(before);
    expect(after['mesh-04'].ipv4).not.toContain('*raw');
    await onHost(lab.state, 'mesh-04', `mv ${bin}/kumactl.real ${bin}/kumactl`);
  });

  it('flush_mode all empties nat, raw and mangle (Docker nat rules go) and keeps filter; kuma mode keeps them all', { timeout: 120_000 }, async () => {
    const extras = (cmd: string): string =>
      [
        `${cmd} -t raw -A PREROUTING -p tcp --dport 7000 -j NOTRACK`,
        `${cmd} -t mangle -A OUTPUT -p tcp --dport 7001 -j MARK --set-mark 1`,
        `${cmd} -N FW`,
        `${cmd} -A FW -j RETURN`,
        `${cmd} -A INPUT -j FW`,
      ].join(' && ');
    for (const h of ['mesh-05', 'mesh-06']) await onHost(lab.state, h, `${extras('iptables')} && ${extras('ip6tables')}`);
    const reference = await referenceKumaLines(lab.state, 'mesh-04');

    const all = await runUpgrade(lab.state, ['-l', 'mesh-05', '-e', 'flush_mode=all']);
    const kuma = await runUpgrade(lab.state, ['-l', 'mesh-06']);

    expect(all.code, all.stdout + all.stderr).toBe(0);
    expect(planLine(all.stdout, 'mesh-05')).toBe(`mesh-05  2.7.4 → ${TARGET}  flush: yes (rules without marker; flush_mode all)`);
    expect(kuma.code, kuma.stdout + kuma.stderr).toBe(0);
    for (const family of FAMILIES) {
      const flushed = await saveRules(lab.state, 'mesh-05', family);
      const kept = await saveRules(lab.state, 'mesh-06', family);
      expect(kumaLines(flushed), `mesh-05 ${family}`).toEqual(reference[family]);
      expect(kumaLines(kept), `mesh-06 ${family}`).toEqual(reference[family]);
      const filter = [...labForeignLines(family).filter((l) => l.startsWith('filter: ')), 'filter: :FW -', 'filter: -A INPUT -j FW', 'filter: -A FW -j RETURN'];
      const sortFilter = (lines: string[]): string[] => lines.filter((l) => l.startsWith('filter: ')).sort();
      // all: only filter's non-Kuma rules are left; Docker's nat chain and rules, raw's and mangle's rules are gone.
      expect(
        foreignLines(flushed).filter((l) => !l.startsWith('filter: ')),
        `mesh-05 ${family}`,
      ).toEqual([]);
      expect(sortFilter(foreignLines(flushed))).toEqual([...filter].sort());
      // kuma: everything not Kuma's is still there.
      const keptForeign = foreignLines(kept);
      for (const line of labForeignLines(family)) expect(keptForeign, `mesh-06 ${family}`).toContain(line);
      expect(keptForeign).toContain('raw: -A PREROUTING -p tcp -m tcp --dport 7000 -j NOTRACK');
      expect(keptForeign).toContain('mangle: -A OUTPUT -p tcp -m tcp --dport 7001 -j MARK --set-xmark 0x1/0xffffffff');
      expect(sortFilter(keptForeign)).toEqual([...filter].sort());
    }
  });
});
