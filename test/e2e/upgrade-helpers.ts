/**
 * Shared pieces of the upgrade playbook's end-to-end tests: run the built `tpx` against a
 * lab, read the hosts' real rules, and the references they are compared with.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FOREIGN_RULES } from '../../src/lab/seed-rules.js';
import { hostExec } from '../../src/lab/host-namespace.js';
import type { LabState } from '../../src/lab/types.js';

export const REPO = resolve(import.meta.dirname, '../..');
export const PLAYBOOK = join(REPO, 'playbooks/upgrade.yaml');
export const TARGET = '2.10.1';
export const MARKER = 'kuma/mesh/transparent/proxy';
export type Family = 'ipv4' | 'ipv6';
export const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];

/** What one `tpx run` printed, its exit code and its report file. */
export interface TpxRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  readonly report: Report;
}

export interface Report {
  readonly check: boolean;
  readonly halted: { readonly play: string; readonly batch: number; readonly reason: string } | null;
  readonly stats: Record<string, { ok: number; changed: number; failed: number; skipped: number; unreachable: number }>;
  readonly hosts: Record<string, { status: string; tasks: { task: string; status: string; msg?: string; stdout?: string; stderr?: string }[] }>;
}

let runCount = 0;

/**
 * Runs `node bin/tpx.js run playbooks/upgrade.yaml` (or `playbook`) on the lab (or `inventory`)
 * with `kuma_version` set and the lab's package as `kuma_package` (unless `package: false`),
 * plain output and a report.
 */
export async function runUpgrade(
  lab: LabState,
  args: readonly string[] = [],
  options: { package?: boolean; timeoutMs?: number; playbook?: string; inventory?: string } = {},
): Promise<TpxRun> {
  const report = join(lab.dir, `report-${++runCount}.json`);
  const argv = [join(REPO, 'bin/tpx.js'), 'run', options.playbook ?? PLAYBOOK, '-i', options.inventory ?? lab.inventoryFile, '-e', `kuma_version=${TARGET}`];
  argv.push('--report', report, '--output', 'plain');
  if (options.package !== false) argv.push('-e', `kuma_package=${join(lab.dir, 'packages', `kuma-${TARGET}.tar.gz`)}`);
  argv.push(...args);
  const started = Date.now();
  // Run journals go into the lab's dir, not the user's ~/.local/state.
  const { code, stdout, stderr } = await spawnNode(argv, options.timeoutMs ?? 120_000, { XDG_STATE_HOME: join(lab.dir, 'xdg-state') });
  return { code, stdout, stderr, ms: Date.now() - started, report: JSON.parse(readFileSync(report, 'utf8')) as Report };
}

function spawnNode(argv: readonly string[], timeoutMs: number, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, argv, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Runs a command as root inside a lab host; throws with its stderr when it fails. */
export async function onHost(lab: LabState, host: string, command: string, input?: string): Promise<string> {
  const r = await hostExec(lab, host, command, { timeoutMs: 30_000, input });
  if (r.code !== 0) throw new Error(`${host}: ${command}: exit ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** A host's `iptables-save` / `ip6tables-save` output without its date comment lines. */
export async function saveRules(lab: LabState, host: string, family: Family): Promise<string> {
  const out = await onHost(lab, host, family === 'ipv4' ? 'iptables-save' : 'ip6tables-save');
  return out
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n');
}

/** Both families of every named host (counters masked: see `maskCounters`). */
export async function snapshotRules(lab: LabState, hosts: readonly string[]): Promise<Record<string, Record<Family, string>>> {
  const out: Record<string, Record<Family, string>> = {};
  for (const h of hosts) out[h] = { ipv4: maskCounters(await saveRules(lab, h, 'ipv4')), ipv6: maskCounters(await saveRules(lab, h, 'ipv6')) };
  return out;
}

/** `table: line` for each chain and rule line, counters removed, tables in name order (rule order kept). */
function tableLines(save: string): { table: string; line: string }[] {
  let table = '';
  const out: { table: string; line: string }[] = [];
  for (const raw of save.split('\n')) {
    if (raw.startsWith('*')) table = raw.slice(1).trim();
    else if (raw.startsWith(':') || raw.startsWith('-A ')) out.push({ table, line: raw.replace(/ \[(\d+:\d+|\*)\]$/, '') });
  }
  return out.sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
}

const isKuma = (line: string): boolean => line.includes('KUMA_MESH') || line.includes(MARKER);

/** Kuma's lines once a marked (2.9+) ruleset is installed: anything with KUMA_MESH or the marker. */
export function kumaLines(save: string): string[] {
  return tableLines(save)
    .filter((x) => isKuma(x.line))
    .map((x) => `${x.table}: ${x.line}`);
}

/** Rules and chains that are not Kuma's (built-in chains with the default ACCEPT policy left out). */
export function foreignLines(save: string, options: { skipTables?: readonly string[] } = {}): string[] {
  return tableLines(save)
    .filter((x) => !isKuma(x.line) && !/^:(PREROUTING|INPUT|FORWARD|OUTPUT|POSTROUTING) ACCEPT$/.test(x.line))
    .filter((x) => !(options.skipTables ?? []).includes(x.table))
    .map((x) => `${x.table}: ${x.line}`);
}

/** The non-Kuma rules the lab lays on every host, as `foreignLines` prints them. */
export function labForeignLines(family: Family): string[] {
  return foreignLines(FOREIGN_RULES[family]);
}

/**
 * What the target kumactl installs on a clean network namespace of the host (its /etc, users
 * and resolv.conf; one non-loopback IPv6 address so both families are laid): Kuma's lines.
 */
export async function referenceKumaLines(lab: LabState, host: string, tproxyArgs = '--kuma-dp-user kuma-dp --redirect-dns'): Promise<Record<Family, string[]>> {
  const script = [
    'ip link set lo up',
    'ip link add tpxref0 type veth peer name tpxref1',
    'ip link set tpxref0 up',
    'ip -6 addr add fd00:7470:ffff::1/64 dev tpxref0 nodad',
    `/opt/kuma/${TARGET}/bin/kumactl install transparent-proxy ${tproxyArgs} >/dev/null 2>&1`,
    'iptables-save',
    'echo @@@@',
    'ip6tables-save',
  ].join(' && ');
  const out = await onHost(lab, host, `unshare --net sh -c '${script}'`);
  const [v4, v6] = out.split('@@@@\n');
  return { ipv4: kumaLines(v4), ipv6: kumaLines(v6) };
}

/**
 * Kuma's lines of the fixtures for the target's `--redirect-dns` install (test/fixtures/kuma-rules):
 * IPv4 from a *derived* file (worked out from Kuma's builder code, not an upstream golden),
 * with the lab's nameserver in place of its 192.0.2.53; IPv6 from an upstream golden, without
 * DNS (no IPv6 nameserver).
 */
export function fixtureKumaLines(nameserver: string): Record<Family, string[]> {
  const dir = join(REPO, 'test/fixtures/kuma-rules');
  const v4 = readFileSync(join(dir, 'v2.9-comments-redirect-dns.ipv4.nft.rules'), 'utf8').replaceAll('192.0.2.53', nameserver);
  const v6 = readFileSync(join(dir, 'v2.9-comments-default.ipv6.nft.golden.rules'), 'utf8').replaceAll('ifPlaceholder', 'lo');
  return { ipv4: kumaLines(v4), ipv6: kumaLines(v6) };
}

/** The plan line a host printed (the `plan` task's msg), or undefined. */
export function planLine(stdout: string, host: string): string | undefined {
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.startsWith(`msg: ${host}  `))
    ?.slice('msg: '.length);
}

/**
 * Files (path, size, mtime) under /opt, /var/lib/tpx and /etc, and the names left in /tmp
 * (uploads pass through /tmp and are removed: its own mtime moves, its contents must not).
 * tpx's host run lock (/run/tpx, every run takes it) is elsewhere.
 */
export async function listFiles(lab: LabState, host: string): Promise<string> {
  return onHost(lab, host, `{ find /opt /var/lib/tpx /etc -xdev -printf '%p %s %T@\\n'; find /tmp -mindepth 1 -printf '%p\\n'; } 2>/dev/null | sort; true`);
}

/** An iptables-save output with the packet counters masked: the kernel counts live traffic (IPv6 neighbour discovery) on its own. */
export function maskCounters(save: string): string {
  return save.replace(/ \[\d+:\d+\]$/gm, ' [*]');
}
