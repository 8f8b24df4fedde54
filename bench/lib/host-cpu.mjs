// The lab hosts' CPU: every SSH connection to a lab host is an `sshd -i` started (and waited
// for) by the lab's bridge process, so the CPU of everything a connection ran on the host
// ends up in the bridge's cutime + cstime once it exits. (Not included: processes that left
// their session, such as tproxy.sh's detached critical section — the same for every contender.)
import { readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU (ms) of the waited-for descendants of `pid`, or NaN when it cannot be read. */
export function childrenCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name: state is field 3, so cutime (16) and cstime (17) are at 13 and 14.
    return (Number(fields[13]) + Number(fields[14])) * TICK_MS;
  } catch {
    return NaN;
  }
}
