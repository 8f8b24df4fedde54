// Where the machine's CPU went while a contender ran: Linux process accounting (BSD acct v3,
// `accton` from Debian's acct), summed per command name. The lab's hosts are processes on
// this machine, so this shows the hosts' own work (sshd, sudo, iptables, kumactl, python…)
// beside the contender's. Needs root and `accton`; off when either is missing.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

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

/** comp_t: 13-bit mantissa, 3-bit base-8 exponent, in AHZ ticks. */
const compT = (v) => (v & 0x1fff) << (3 * (v >> 13));

/** { name → { calls, cpuS } } and the total, from an acct v3 file (removed after reading). */
export function readAcct(file) {
  if (!existsSync(file)) return { total: 0, byCommand: {} };
  const buf = readFileSync(file);
  rmSync(file, { force: true });
  const byCommand = {};
  let total = 0;
  for (let off = 0; off + RECORD <= buf.length; off += RECORD) {
    if (buf[off + 1] !== 3) continue; // ac_version
    const cpu = (compT(buf.readUInt16LE(off + 32)) + compT(buf.readUInt16LE(off + 34))) / AHZ;
    const comm = buf.toString('latin1', off + 48, off + 64).replace(/\0.*$/s, '');
    const e = (byCommand[comm] ??= { calls: 0, cpuS: 0 });
    e.calls++;
    e.cpuS += cpu;
    total += cpu;
  }
  return { total, byCommand };
}

/** "node 12.3 s (120), sshd 8.1 s (3000), …" — the top `n` by CPU. */
export function formatAcct(acct, n = 8) {
  const top = Object.entries(acct.byCommand)
    .sort((a, b) => b[1].cpuS - a[1].cpuS)
    .slice(0, n)
    .map(([name, e]) => `${name} ${e.cpuS.toFixed(1)} s (${e.calls})`);
  return `machine CPU ${acct.total.toFixed(1)} s: ${top.join(', ')}`;
}
