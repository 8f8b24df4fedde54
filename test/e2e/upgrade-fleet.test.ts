/**
 * The upgrade playbook on a mixed lab fleet, through the built `tpx`: --check changes nothing
 * and prints a plan line per host; the run brings every host to the target's full ruleset with
 * every other rule intact (IPv4 and IPv6); a re-run changes nothing; hand-damaged Kuma rules
 * are repaired on exactly the damaged hosts.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayTerminal } from '../reporters/virtual-terminal.js';
import { labSupported, useLab } from '../helpers/lab.js';
import {
  FAMILIES,
  REPO,
  TARGET,
  fixtureKumaLines,
  foreignLines,
  kumaLines,
  labForeignLines,
  listFiles,
  onHost,
  planLine,
  referenceKumaLines,
  runUpgrade,
  snapshotRules,
  type Family,
} from './upgrade-helpers.js';

/** Runs a shell command line on a pseudo-terminal of 40 x 200 (script(1), util-linux) and returns all it wrote. */
function runOnTerminal(command: string, env: Record<string, string>): Promise<{ code: number; text: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-q', '-e', '-c', `stty rows 40 cols 200; exec ${command}`, '/dev/null'], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TERM: 'xterm', NO_COLOR: '1', ...env },
    });
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString()));
    child.stderr.on('data', (c: Buffer) => (text += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, text });
    });
  });
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const SEEDS = ['2.7.4', '2.8.3', '2.9.2', '2.9.2-nocomments', 'none', TARGET];
const lab = useLab({ hosts: 12, versions: SEEDS, packages: [TARGET] });
const names = (): string[] => lab.state.hosts.map((h) => h.name);
const seedOf = (host: string): string => lab.state.hosts.find((h) => h.name === host)!.seed;

/** Rules that are not Kuma's, laid on mesh-02 by this test on top of the lab's (raw and mangle, which Kuma also uses). */
const EXTRA = {
  ipv4: {
    cmd: 'iptables -t mangle -A PREROUTING -p tcp --dport 8443 -j MARK --set-mark 7',
    line: 'mangle: -A PREROUTING -p tcp -m tcp --dport 8443 -j MARK --set-xmark 0x7/0xffffffff',
  },
  ipv6: { cmd: 'ip6tables -t raw -A PREROUTING -p udp --dport 5353 -j NOTRACK', line: 'raw: -A PREROUTING -p udp -m udp --dport 5353 -j NOTRACK' },
} as const;

function expectedForeign(host: string, family: Family): string[] {
  const lines = labForeignLines(family);
  if (host !== 'mesh-02') return lines;
  return [...lines, EXTRA[family].line].sort((a, b) => (a.split(':')[0] < b.split(':')[0] ? -1 : a.split(':')[0] > b.split(':')[0] ? 1 : 0));
}

/**
 * Every host has exactly the target's Kuma rules (as on a clean namespace, and as in the
 * fixtures: the IPv4 `--redirect-dns` file is derived from Kuma's builder code, the IPv6 one
 * is an upstream golden — test/fixtures/kuma-rules/README.md) and its other rules.
 */
async function expectUpgraded(hosts: readonly string[]): Promise<void> {
  const reference = await referenceKumaLines(lab.state, 'mesh-05');
  const data = fixtureKumaLines(lab.state.nameserver);
  expect(reference.ipv4.length).toBeGreaterThan(15);
  expect(reference.ipv6.length).toBeGreaterThan(10);
  const now = await snapshotRules(lab.state, hosts);
  for (const host of hosts) {
    for (const family of FAMILIES) {
      const kuma = kumaLines(now[host][family]);
      expect(kuma, `${host} ${family}: Kuma rules`).toEqual(reference[family]);
      expect(kuma, `${host} ${family}: Kuma rules vs the fixtures (IPv4 derived, IPv6 upstream golden)`).toEqual(data[family]);
      expect(foreignLines(now[host][family]), `${host} ${family}: rules that are not Kuma's`).toEqual(expectedForeign(host, family));
    }
  }
}

describe.skipIf(!labSupported())('upgrade playbook on a mixed fleet', () => {
  it('--check: a plan line per host, and no rule or file changes anywhere', { timeout: 120_000 }, async () => {
    await onHost(lab.state, 'mesh-02', `${EXTRA.ipv4.cmd} && ${EXTRA.ipv6.cmd}`);
    const rulesBefore = await snapshotRules(lab.state, names());
    const filesBefore = await Promise.all(names().map((h) => listFiles(lab.state, h)));

    const run = await runUpgrade(lab.state, ['--check']);

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.report.check).toBe(true);
    expect(await snapshotRules(lab.state, names())).toEqual(rulesBefore);
    expect(await Promise.all(names().map((h) => listFiles(lab.state, h)))).toEqual(filesBefore);
    const expected: Record<string, string> = {
      '2.7.4': `2.7.4 → ${TARGET}  flush: yes (rules without marker)`,
      '2.8.3': `2.8.3 → ${TARGET}  flush: yes (rules without marker)`,
      '2.9.2': `2.9.2 → ${TARGET}  flush: no  (marked rules, not recorded by tpx: kumactl replaces them)`,
      '2.9.2-nocomments': `2.9.2 → ${TARGET}  flush: yes (rules without marker)`,
      none: `none → ${TARGET}  flush: no  (no Kuma rules)`,
      [TARGET]: `${TARGET} → ${TARGET}  flush: no  (marked rules, not recorded by tpx: kumactl replaces them)`,
    };
    for (const host of names()) expect(planLine(run.stdout, host), host).toBe(`${host}  ${expected[seedOf(host)]}`);

    // The same on a real terminal (a pty from script(1)): each host's row ends with its plan.
    const inventory = lab.state.inventoryFile;
    const tty = await runOnTerminal(
      `${process.execPath} bin/tpx.js run playbooks/upgrade.yaml -i ${inventory} -e kuma_version=${TARGET} -e kuma_package=${join(lab.dir, 'packages', `kuma-${TARGET}.tar.gz`)} --check`,
      { XDG_STATE_HOME: join(lab.dir, 'xdg-state') },
    );
    expect(tty.code, tty.text).toBe(0);
    const screen = replayTerminal(tty.text);
    for (const host of names()) {
      const row = screen.find((l) => l.includes(` ${host}  `));
      const [fromTo] = expected[seedOf(host)].split('  ');
      expect(row, screen.join('\n')).toMatch(new RegExp(`^✔ ${host} {2}changed .*· would (flush-)?install ${escapeRegExp(fromTo)}: `));
    }
  });

  it('upgrades every host to the target ruleset, other rules intact, IPv4 and IPv6', { timeout: 180_000 }, async () => {
    const run = await runUpgrade(lab.state);
    console.log(`upgrade of ${names().length} hosts (${SEEDS.join(', ')}): ${run.ms} ms`);

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.report.halted).toBeNull();
    for (const host of names()) {
      expect(run.report.hosts[host].status, host).toBe('changed');
      expect(run.report.stats[host].failed, host).toBe(0);
      // The host's summary line after the recap names the backup the section took, on the host.
      const line = run.stdout.split('\n').find((l) => l.startsWith(`${host}  changed  `));
      const backup = / {2}backup (\/var\/lib\/tpx\/backups\/[\w-]+)\.\*\.rules$/.exec(line ?? '')?.[1];
      expect(backup, `${host}: ${line}`).toBeDefined();
      expect(await onHost(lab.state, host, `cat ${backup}.ipv4.rules`)).toMatch(/^\*filter$/m);
    }
    await expectUpgraded(names());
  });

  it('a second run changes nothing on any host', { timeout: 120_000 }, async () => {
    const before = await snapshotRules(lab.state, names());
    // Every host at once: more commands in flight than Node's default of 10 listeners.
    const run = await runUpgrade(lab.state, ['-e', 'serial=100%']);
    console.log(`second run: ${run.ms} ms`);

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/MaxListenersExceededWarning/);
    for (const host of names()) {
      expect(run.report.stats[host].changed, host).toBe(0);
      expect(planLine(run.stdout, host), host).toBe(`${host}  ${TARGET} → ${TARGET}  flush: no  (nothing to do: already at ${TARGET})`);
    }
    expect(await snapshotRules(lab.state, names())).toEqual(before);
  });

  it('repairs hand-damaged Kuma rules, and only on the damaged hosts', { timeout: 120_000 }, async () => {
    // mesh-03: one Kuma rule deleted (IPv4); mesh-08: a stray unmarked rule in a Kuma chain (IPv6).
    await onHost(lab.state, 'mesh-03', 'iptables -t nat -D KUMA_MESH_OUTBOUND 1');
    await onHost(lab.state, 'mesh-08', 'ip6tables -t nat -A KUMA_MESH_OUTBOUND -p tcp --dport 9999 -j RETURN');
    const untouched = names().filter((h) => h !== 'mesh-03' && h !== 'mesh-08');
    const before = await snapshotRules(lab.state, untouched);

    const run = await runUpgrade(lab.state);

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(planLine(run.stdout, 'mesh-03')).toBe(`mesh-03  ${TARGET} → ${TARGET}  flush: no  (rules changed since the last upgrade)`);
    expect(planLine(run.stdout, 'mesh-08')).toBe(`mesh-08  ${TARGET} → ${TARGET}  flush: yes (rules without marker)`);
    const changed = names().filter((h) => run.report.stats[h].changed > 0);
    expect(changed).toEqual(['mesh-03', 'mesh-08']);
    expect(await snapshotRules(lab.state, untouched)).toEqual(before);
    await expectUpgraded(names());
  });
});
