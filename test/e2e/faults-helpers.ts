/**
 * Shared pieces of the fault, interrupt and resume tests: start the built `tpx` as a child
 * that the test can signal, wait for what happens on the hosts, tell whether a host is
 * whole (upgraded, or exactly as before but for packet counters), and put hosts back to
 * their seeded state between rounds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { INSTALL_FAULT_FILE } from '../../src/lab/index.js';
import type { LabState } from '../../src/lab/types.js';
import {
  FAMILIES,
  PLAYBOOK,
  REPO,
  TARGET,
  fixtureKumaLines,
  foreignLines,
  kumaLines,
  labForeignLines,
  maskCounters,
  onHost,
  saveRules,
  type Family,
  type Report,
} from './upgrade-helpers.js';

/** A running `node bin/tpx.js …`. */
export interface TpxChild {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly started: number;
  /** Resolves with the exit code (a signal death is 128 + its number) and the time it took. */
  readonly done: Promise<{ code: number; ms: number }>;
}

/** Starts `node bin/tpx.js ARGS` with plain output; killed with SIGKILL after `timeoutMs`. */
export function startTpx(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 180_000): TpxChild {
  const child = spawn(process.execPath, [join(REPO, 'bin/tpx.js'), ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  const started = Date.now();
  const handle: TpxChild = {
    child,
    stdout: '',
    stderr: '',
    started,
    done: new Promise((resolve, reject) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const signalCode = signal === 'SIGKILL' ? 137 : signal === 'SIGTERM' ? 143 : signal === 'SIGINT' ? 130 : -1;
        resolve({ code: code ?? signalCode, ms: Date.now() - started });
      });
    }),
  };
  child.stdout!.on('data', (c: Buffer) => (handle.stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (handle.stderr += c.toString()));
  return handle;
}

/** A private journal directory for a test file (XDG_STATE_HOME). */
export function journalHome(lab: LabState): { env: Record<string, string>; dir: string } {
  const home = join(lab.dir, 'xdg-state');
  mkdirSync(home, { recursive: true });
  return { env: { XDG_STATE_HOME: home }, dir: join(home, 'tpx', 'runs') };
}

/** The arguments of an upgrade run on the lab: target, package, plain output, a report. */
export function upgradeArgs(lab: LabState, report: string, extra: readonly string[] = []): string[] {
  return [
    'run',
    PLAYBOOK,
    '-i',
    lab.inventoryFile,
    '-e',
    `kuma_version=${TARGET}`,
    '-e',
    `kuma_package=${join(lab.dir, 'packages', `kuma-${TARGET}.tar.gz`)}`,
    '--report',
    report,
    '--output',
    'plain',
    ...extra,
  ];
}

export function readReport(path: string): Report & { interrupted: boolean; run_id?: string } {
  return JSON.parse(readFileSync(path, 'utf8')) as Report & { interrupted: boolean; run_id?: string };
}

/** Polls `check` every `everyMs` until it holds or `timeoutMs` passed; returns whether it held. */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 200): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** True once no upgrade section runs on the host (none holds the section lock). */
export async function sectionIdle(lab: LabState, host: string): Promise<boolean> {
  const lock = '/var/lib/tpx/tproxy/section.lock';
  const out = await onHost(lab, host, `if [ -e ${lock} ] && ! flock -n ${lock} true; then echo busy; fi; true`);
  return out.trim() === '';
}

/** Waits (bounded) until every host's section has ended; fails the test if one still runs. */
export async function waitSectionsIdle(lab: LabState, hosts: readonly string[], timeoutMs = 90_000): Promise<void> {
  for (const h of hosts) expect(await waitFor(() => sectionIdle(lab, h), timeoutMs, 300), `${h}: the upgrade section still runs`).toBe(true);
}

/** True once the host's run lock (/run/tpx/lock, taken as root by the upgrade) is free. */
export async function runLockFree(lab: LabState, host: string): Promise<boolean> {
  const out = await onHost(lab, host, 'if [ -e /run/tpx/lock ]; then flock -n /run/tpx/lock true && echo free || echo held; else echo free; fi');
  return out.trim() === 'free';
}

/** A host's raw rules per family (date comments dropped; counters kept, so they can be restored). */
export async function rawRules(lab: LabState, host: string): Promise<Record<Family, string>> {
  return { ipv4: await saveRules(lab, host, 'ipv4'), ipv6: await saveRules(lab, host, 'ipv6') };
}

/** Where a fault test starts: the lab's hosts, a private journal home, each host's raw rules, and the target's Kuma lines. */
export async function startingPoint(lab: LabState): Promise<{
  hosts: string[];
  env: Record<string, string>;
  before: Record<string, Record<Family, string>>;
  reference: Record<Family, string[]>;
}> {
  const hosts = lab.hosts.map((h) => h.name);
  const before: Record<string, Record<Family, string>> = {};
  for (const h of hosts) before[h] = await rawRules(lab, h);
  return { hosts, env: journalHome(lab).env, before, reference: fixtureKumaLines(lab.nameserver) };
}

/** How a host ended: exactly as before (counters aside), upgraded, or neither. */
export type Wholeness = 'as-before' | 'upgraded' | 'HALF-DONE';

/**
 * `as-before`: both families byte-identical to `before` once counters are masked. `upgraded`:
 * Kuma's lines are exactly the target's (`reference`: each once, in order) and the lab's other
 * rules are all there, as seeded.
 */
export async function wholeness(lab: LabState, host: string, before: Record<Family, string>, reference: Record<Family, string[]>): Promise<Wholeness> {
  const now = await rawRules(lab, host);
  const problems: string[] = [];
  for (const f of FAMILIES) {
    const kuma = kumaLines(now[f]);
    const foreignNow = foreignLines(now[f]);
    // The lab's own rules that are not Kuma's (before, unmarked Kuma rules look foreign to foreignLines).
    const foreignBefore = labForeignLines(f);
    // The exact target ruleset: every line once, in the target's order (a rule laid twice, or
    // out of order, after a reconnect is not an upgrade).
    if (JSON.stringify(kuma) !== JSON.stringify(reference[f])) {
      const missing = reference[f].filter((l) => !kuma.includes(l));
      const extra = kuma.filter((l) => !reference[f].includes(l));
      const twice = kuma.filter((l, i) => kuma.indexOf(l) !== i);
      problems.push(
        `${f} Kuma lines differ from the target's: missing ${JSON.stringify(missing)}, extra ${JSON.stringify(extra)}, twice ${JSON.stringify(twice)}, order ${missing.length || extra.length || twice.length ? '-' : 'differs'}`,
      );
    }
    if (JSON.stringify(foreignNow) !== JSON.stringify(foreignBefore))
      problems.push(`${f} other rules: was ${JSON.stringify(foreignBefore)}, now ${JSON.stringify(foreignNow)}`);
  }
  // Upgraded first: a 2.9.2 host's marked rules may be just what the target lays too.
  if (problems.length === 0) return 'upgraded';
  if (FAMILIES.every((f) => maskCounters(now[f]) === maskCounters(before[f]))) return 'as-before';
  console.log(`${host} is neither as before nor upgraded:\n  ${problems.join('\n  ')}`);
  return 'HALF-DONE';
}

/**
 * Puts a host back to `before`: its rules restored (tables the backup lacks emptied, as the
 * playbook's own restore does), tpx's state, backups and helper removed, no install fault.
 * Checks that it worked.
 */
export async function resetHost(lab: LabState, host: string, before: Record<Family, string>): Promise<void> {
  for (const family of FAMILIES) {
    const [save, restore] = family === 'ipv4' ? ['iptables-save', 'iptables-restore'] : ['ip6tables-save', 'ip6tables-restore'];
    await onHost(
      lab,
      host,
      `cat > /tmp/.reset.rules && ${restore} < /tmp/.reset.rules && for t in $(${save} | sed -n 's/^\\*//p'); do grep -qx "\\*$t" /tmp/.reset.rules || printf '*%s\\nCOMMIT\\n' $t | ${restore}; done; rm -f /tmp/.reset.rules`,
      before[family] + '\n',
    );
  }
  await onHost(lab, host, `rm -rf /var/lib/tpx/tproxy /var/lib/tpx/backups /var/lib/tpx/bin ${INSTALL_FAULT_FILE}`);
  const now = await rawRules(lab, host);
  for (const family of FAMILIES) expect(maskCounters(now[family]), `${host} ${family}: reset`).toBe(maskCounters(before[family]));
}

/** Writes the stand-in's install fault on a host (`slow 4`, `hang`, `fail persist`…). */
export async function setInstallFault(lab: LabState, host: string, fault: string): Promise<void> {
  await onHost(lab, host, `mkdir -p ${INSTALL_FAULT_FILE.replace(/\/[^/]+$/, '')} && echo '${fault}' > ${INSTALL_FAULT_FILE}`);
}

/** The section logs of a host's run (each section is runs/RUN_ID.TOKEN), or '' (the step the section is at: `install:`, `outcome:`). */
export async function sectionLog(lab: LabState, host: string, runId: string): Promise<string> {
  return onHost(lab, host, `cat /var/lib/tpx/tproxy/runs/${runId}.*/log 2>/dev/null; true`);
}

/** The run id a plain-output run printed (from the journal line), once it did. */
export function runIdOf(child: TpxChild): string | undefined {
  return /journal: .*\/([^/\s]+)\.jsonl$/m.exec(child.stdout)?.[1];
}

/** A small deterministic PRNG (mulberry32) for seeded random moments. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
