/**
 * `--check --diff` of the upgrade playbook on the lab: per host, the Kuma rules the install
 * would remove and add, from the target kumactl's `--dry-run` (read-only). Checked against
 * what happens: the hosts' rules are the same after the check, and the diff, applied with
 * `patch` to the Kuma lines a host has before, gives exactly the Kuma lines the real upgrade
 * lays afterwards, for IPv4 and IPv6.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labSupported, useLab } from '../helpers/lab.js';
import { FAMILIES, type Family, onHost, REPO, runUpgrade, snapshotRules, TARGET, type TpxRun } from './upgrade-helpers.js';

const lab = useLab({ hosts: 2, versions: ['2.8.3', TARGET], packages: [TARGET] });
const HOSTS = ['mesh-01', 'mesh-02'];
const DIFF_TASK = 'rules diff (--check --diff)';
const HELPER = readFileSync(join(REPO, 'playbooks/files/tproxy.sh'), 'utf8');

/** The host's Kuma lines of one family as the helper itself reads them (`tproxy.sh kuma-lines`). */
async function kumaLinesOn(host: string, family: Family): Promise<string> {
  const save = family === 'ipv4' ? 'iptables-save' : 'ip6tables-save';
  return onHost(lab.state, host, `f=$(mktemp -p /tmp) && ${save} > "$f" && sh -s kuma-lines "$f"; rc=$?; rm -f "$f"; exit $rc`, HELPER);
}

const taskOf = (run: TpxRun, host: string, task: string) => run.report.hosts[host]?.tasks.find((t) => t.task === task);

/** The part of a multi-family unified diff for one family (from its `--- ipv4: …` line on). */
function familyPart(diff: string, family: Family): string {
  const lines = diff.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`--- ${family}: `));
  if (start < 0) return '';
  const end = lines.findIndex((l, i) => i > start && l.startsWith('--- '));
  return lines.slice(start, end < 0 ? undefined : end).join('\n') + '\n';
}

/** `patch` applied to `before`: what the diff says the lines become. */
function applyPatch(before: string, part: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tpx-rules-diff-'));
  try {
    writeFileSync(join(dir, 'before'), before);
    writeFileSync(join(dir, 'part.diff'), part);
    const r = spawnSync('patch', ['--quiet', '-o', join(dir, 'after'), join(dir, 'before'), join(dir, 'part.diff')], { encoding: 'utf8' });
    expect(r.status, `patch: ${r.stdout}${r.stderr}`).toBe(0);
    return readFileSync(join(dir, 'after'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!labSupported())('--check --diff of the upgrade on the lab', () => {
  it("shows each host's Kuma rules diff without touching them; applied, it is what the real upgrade lays", { timeout: 240_000 }, async () => {
    // A dry run needs the target kumactl on the host: mesh-01 gets it from the lab's package
    // (mesh-02 was seeded with the target and has it).
    const pkg = join(lab.dir, 'packages', `kuma-${TARGET}.tar.gz`);
    await onHost(lab.state, 'mesh-01', `mkdir -p /opt/kuma/${TARGET} && tar -xzf ${pkg} -C /opt/kuma/${TARGET} --strip-components=1`);
    const rulesBefore = await snapshotRules(lab.state, HOSTS);
    const kumaBefore = { ipv4: await kumaLinesOn('mesh-01', 'ipv4'), ipv6: await kumaLinesOn('mesh-01', 'ipv6') };

    const check = await runUpgrade(lab.state, ['--check', '--diff'], { package: false });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(await snapshotRules(lab.state, HOSTS)).toEqual(rulesBefore);
    const diff = taskOf(check, 'mesh-01', DIFF_TASK)?.msg ?? '';
    for (const family of FAMILIES)
      expect(familyPart(diff, family), diff).toMatch(new RegExp(`^--- ${family}: Kuma rules now\\n\\+\\+\\+ ${family}: after the install\\n@@ `));
    // The old unmarked rules go, marked ones come.
    expect(diff).toMatch(/^-nat: -A OUTPUT -p tcp -j KUMA_MESH_OUTBOUND$/m);
    expect(diff).toMatch(/^\+nat: -A OUTPUT -p tcp -m comment --comment "kuma\/mesh\/transparent\/proxy\/[^"]+" -j KUMA_MESH_OUTBOUND$/m);
    // The same version with the same flags lays the same rules.
    expect(taskOf(check, 'mesh-02', DIFF_TASK)?.msg).toBe('the ipv4, ipv6 Kuma rules stay as they are');
    // A check without --diff does not ask for one.
    const quiet = await runUpgrade(lab.state, ['--check'], { package: false });
    expect(taskOf(quiet, 'mesh-01', DIFF_TASK)?.status).toBe('skipped');

    const run = await runUpgrade(lab.state, [], { package: false });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    for (const family of FAMILIES) expect(await kumaLinesOn('mesh-01', family), family).toBe(applyPatch(kumaBefore[family], familyPart(diff, family)));
  });
});
