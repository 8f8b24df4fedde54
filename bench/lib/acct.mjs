// Where the machine's CPU went while a contender ran, and how many processes the run started:
// Linux process accounting (BSD acct v3, `accton` from Debian's acct), per command name. The
// lab's hosts are processes on this machine, so this shows the hosts' own work (sshd, sudo,
// iptables, kumactl, python…) beside the contender's. Needs root and `accton`; off when
// either is missing. Accounting is machine-wide: only one benchmark with --acct at a time.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const RECORD = 64; // sizeof(struct acct_v3)
const AHZ = 100;

export function acctAvailable() {
  try {
    execFileSync('sh', ['-c', 'command -v accton'], { stdio: 'ignore' });
    return process.getuid?.() === 0;
  } catch {
    return false;
  }
}

export function startAcct(file) {
  writeFileSync(file, '');
  execFileSync('accton', [file], { stdio: 'ignore' });
}

export function stopAcct() {
  execFileSync('accton', ['off'], { stdio: 'ignore' });
}

/**
 * Waits until `parent` has no child left, at most `maxMs`: after a contender exits, the hosts'
 * `sshd -i` (children of the lab's bridge) may still be closing their connections; their
 * records belong to the run, and a parent with no record and gone hides its children's owner.
 */
export async function waitForChildren(parent, maxMs = 3000) {
  const end = Date.now() + maxMs;
  while (Date.now() < end && childrenOf(parent) > 0) await sleep(50);
}

function childrenOf(parent) {
  let n = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    if (liveProcess(Number(pid))?.ppid === parent) n++;
  }
  return n;
}

/** comp_t: 13-bit mantissa, 3-bit base-8 exponent, in AHZ ticks. */
const compT = (v) => (v & 0x1fff) << (3 * (v >> 13));

/**
 * The records of an acct v3 file (removed after reading): pid, ppid (at exit: an orphan's is
 * 1), start (s since the epoch), cpuS, comm. struct acct_v3: ac_pid at 16, ac_ppid at 20,
 * ac_btime at 24, ac_utime and ac_stime at 32 and 34, ac_comm at 48.
 */
function readRecords(file, keep) {
  if (!existsSync(file)) return [];
  const buf = readFileSync(file);
  if (!keep) rmSync(file, { force: true });
  const out = [];
  for (let off = 0; off + RECORD <= buf.length; off += RECORD) {
    if (buf[off + 1] !== 3) continue; // ac_version
    out.push({
      pid: buf.readUInt32LE(off + 16),
      ppid: buf.readUInt32LE(off + 20),
      start: buf.readUInt32LE(off + 24),
      cpuS: (compT(buf.readUInt16LE(off + 32)) + compT(buf.readUInt16LE(off + 34))) / AHZ,
      comm: buf.toString('latin1', off + 48, off + 64).replace(/\0.*$/s, ''),
    });
  }
  return out;
}

/**
 * Whose each process was, by its parents (the records' `owner`):
 * - `controller`: under a PID of `roots.controller` (the contender's own process tree);
 * - `hosts`: under a PID of `roots.hosts` (the lab's bridge, which starts every host's sshd);
 * - `detached`: its parent had gone before it ended (an orphan, e.g. a host's detached upgrade
 *   section; counted with the hosts);
 * - `other`: under none of these (a running daemon, another lab, a test suite), or started
 *   before `roots.since` (s since the epoch, when accounting started).
 * Other work that starts during the run and is orphaned counts as detached: the counts want a
 * quiet machine. A record's parent is the record of that PID that started last before it
 * (PIDs are reused; ac_btime is in whole seconds, rounded so that a child can seem to start a
 * second before its parent); a parent with no record was still running when accounting
 * stopped (e.g. an ssh master of ControlPersist and the sshd serving it): its own parents are
 * read from /proc.
 */
function attribute(records, roots) {
  const controller = new Set(roots.controller ?? []);
  const hosts = new Set(roots.hosts ?? []);
  const since = roots.since ?? 0;
  const byPid = new Map();
  for (const r of records) {
    if (!byPid.has(r.pid)) byPid.set(r.pid, []);
    byPid.get(r.pid).push(r);
  }
  const parentOf = (r) => {
    let best;
    for (const c of byPid.get(r.ppid) ?? []) if (c !== r && c.start <= r.start + 1 && (!best || c.start > best.start)) best = c;
    return best ?? liveProcess(r.ppid);
  };
  const owner = new Map();
  const ownerOf = (r) => {
    const chain = [];
    let cur = r;
    let found;
    while (found === undefined) {
      if (owner.has(cur)) {
        found = owner.get(cur);
        break;
      }
      chain.push(cur);
      if (cur.start + 1 < since) found = 'other';
      else if (controller.has(cur.ppid)) found = 'controller';
      else if (hosts.has(cur.ppid)) found = 'hosts';
      // An orphan that ended during the run; a running child of init is a daemon, not the run's.
      else if (cur.ppid === 1) found = cur.live ? 'other' : 'detached';
      else {
        const parent = parentOf(cur);
        if (!parent || chain.length > 10_000) found = 'other';
        else cur = parent;
      }
    }
    for (const c of chain) owner.set(c, found);
    return found;
  };
  for (const r of records) r.owner = ownerOf(r);
}

/** A running process as a parent: { pid, ppid } from /proc/PID/stat, or undefined. */
function liveProcess(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return { pid, ppid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]), live: true };
  } catch {
    return undefined;
  }
}

/**
 * From an acct v3 file (removed after reading): the machine's CPU per command (`byCommand`,
 * `total`, every process on the machine), and the processes of the run (`processes`:
 * `run` = hosts + detached + controller, by owner, and `runByCommand` → count), attributed by
 * `roots` (see attribute); `other` is the count of the machine's other processes, left out.
 * The file is removed after reading unless `keep`.
 */
export function readAcct(file, roots = {}, { keep = false } = {}) {
  const records = readRecords(file, keep);
  attribute(records, roots);
  const byCommand = {};
  const runByCommand = {};
  const processes = { run: 0, controller: 0, hosts: 0, detached: 0, other: 0 };
  let total = 0;
  for (const r of records) {
    const e = (byCommand[r.comm] ??= { calls: 0, cpuS: 0 });
    e.calls++;
    e.cpuS += r.cpuS;
    total += r.cpuS;
    processes[r.owner]++;
    if (r.owner !== 'other') {
      processes.run++;
      runByCommand[r.comm] = (runByCommand[r.comm] ?? 0) + 1;
    }
  }
  return { total, byCommand, processes, runByCommand };
}

/** "node 12.3 s (120), sshd 8.1 s (3000), …" — the top `n` by CPU. */
export function formatAcct(acct, n = 8) {
  const top = Object.entries(acct.byCommand)
    .sort((a, b) => b[1].cpuS - a[1].cpuS)
    .slice(0, n)
    .map(([name, e]) => `${name} ${e.cpuS.toFixed(1)} s (${e.calls})`);
  return `machine CPU ${acct.total.toFixed(1)} s: ${top.join(', ')}`;
}

/** The run's processes per host, split by owner, and the top `n` commands by count per host. */
export function formatProcesses(acct, hosts, n = 10) {
  const p = acct.processes;
  const per = (x) => (x / hosts).toFixed(1);
  const top = topCommands(acct, hosts, n).map(([name, c]) => `${name} ${c.toFixed(1)}`);
  return `processes ${p.run} = ${per(p.run)} per host (on the hosts ${per(p.hosts + p.detached)}, of them detached ${per(p.detached)}; controller ${per(p.controller)}; ${p.other} others on the machine left out); per host: ${top.join(', ')}`;
}

/** [command, processes per host] of the run, most first. */
export function topCommands(acct, hosts, n = 10) {
  return Object.entries(acct.runByCommand)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, c]) => [name, c / hosts]);
}
