import { readdir, readFile, readlink, stat } from 'node:fs/promises';

/** PIDs of every process whose network namespace is one of `netnsNames` (by inode). */
export async function pidsInNetns(netnsNames: readonly string[]): Promise<number[]> {
  const inodes = new Set<string>();
  for (const name of netnsNames) {
    const st = await stat(`/run/netns/${name}`).catch(() => null);
    if (st) inodes.add(`net:[${st.ino}]`);
  }
  if (inodes.size === 0) return [];
  const pids: number[] = [];
  for (const pid of await listPids()) {
    const link = await readlink(`/proc/${pid}/ns/net`).catch(() => null);
    if (link !== null && inodes.has(link)) pids.push(pid);
  }
  return pids;
}

/** PIDs of processes with an argument that is `dir` or lies inside it (the lab's own programs). */
export async function pidsUsingDir(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const pid of await listPids()) {
    if (pid === process.pid) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0').some((arg) => arg === dir || arg.startsWith(dir + '/'))) pids.push(pid);
  }
  return pids;
}

/** Sends SIGKILL to each PID and waits (at most 5 s) until they are gone. */
export async function killAndWait(pids: readonly number[]): Promise<void> {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  for (let i = 0; i < 100; i++) {
    const alive = pids.filter(isAlive);
    if (alive.length === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** True while the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return true;
}

async function listPids(): Promise<number[]> {
  return (await readdir('/proc')).filter((n) => /^\d+$/.test(n)).map(Number);
}
