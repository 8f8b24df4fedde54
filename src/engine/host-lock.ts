import { readFileSync } from 'node:fs';
import { ConnectionError } from '../errors/connection-error.js';
import type { Connection } from '../transport/connection.js';
import { LOCK_GRACE_S, ORPHAN_WAIT_S, parseLockAnswer, releaseLockScript, takeLockScript, type LockOwner } from './host-lock-script.js';

/** The lock script may wait for commands an earlier process of the run left behind. */
const LOCK_TIMEOUT_MS = (ORPHAN_WAIT_S + 30) * 1000;
const RELEASE_TIMEOUT_MS = 5_000;

/**
 * Takes the host's run lock (host-lock-script.ts) on a new connection: one command, one
 * round trip (longer only when a `--retry-failed` waits for what the killed run left running). Another run holding it throws ConnectionError `locked` — the host is
 * unreachable for this run and left alone: "mesh-01: locked by run X since T (pid P on C)".
 * A host where the lock cannot work (no flock, /tmp not writable) is told through `warn`
 * and worked on without it.
 */
export async function takeHostLock(conn: Connection, owner: LockOwner, warn: (msg: string) => void, signal?: AbortSignal): Promise<void> {
  const interrupted = (): ConnectionError => new ConnectionError(owner.host, 'closed', `${owner.host}: interrupted while taking the host lock`);
  if (signal?.aborted) throw interrupted();
  let answer = parseLockAnswer((await conn.exec(takeLockScript(owner), { timeoutMs: LOCK_TIMEOUT_MS, signal })).stdout);
  if (signal?.aborted) throw interrupted();
  if (answer.kind === 'held' && isDeadLocalHolder(answer.holder, owner)) {
    // Its tpx ran here and is gone (killed, or ended while this host's connection was down).
    const dead = `${answer.holder.pid}/${answer.holder.controller}`;
    answer = parseLockAnswer((await conn.exec(takeLockScript(owner, undefined, dead), { timeoutMs: LOCK_TIMEOUT_MS, signal })).stdout);
    if (signal?.aborted) throw interrupted();
  }
  if (answer.kind === 'ok') return;
  if (answer.kind === 'unavailable') {
    warn(`the host lock is not available (${answer.reason}); working on the host without it`);
    return;
  }
  throw new ConnectionError(owner.host, 'locked', `${owner.host}: ${describeHolder(answer.holder)}`);
}

/** The holder's SSH session is gone and its tpx process ran on this machine and is no more. */
function isDeadLocalHolder(holder: Readonly<Record<string, string>>, owner: LockOwner): boolean {
  const pid = Number(holder.pid);
  if (holder.alive !== 'no' || holder.controller !== owner.controller || !Number.isInteger(pid) || pid <= 0) return false;
  return pid !== process.pid && !isTpxProcess(pid);
}

/** A live process with this pid that looks like tpx (node running tpx), not a recycled pid. */
function isTpxProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return /tpx/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    // No /proc (not Linux): alive is all we know.
    return true;
  }
}

/** Releases the lock this process holds on the host (best effort, bounded). */
export async function releaseHostLock(conn: Connection, owner: LockOwner): Promise<void> {
  await conn.exec(releaseLockScript(owner), { timeoutMs: RELEASE_TIMEOUT_MS }).catch(() => undefined);
}

/** "locked by run X since T (pid P on CONTROLLER)", and whether it will lapse. */
export function describeHolder(holder: Readonly<Record<string, string>>): string {
  const who = `locked by run ${holder.run ?? '?'} since ${holder.since ?? '?'} (pid ${holder.pid ?? '?'} on ${holder.controller ?? '?'}${holder.user ? `, user ${holder.user}` : ''})`;
  if (holder.alive === 'no' && holder.phase === 'orphans') {
    return `${who}; its SSH session is gone but commands it started still run on the host: the lock lapses ${LOCK_GRACE_S} s after they end`;
  }
  if (holder.alive === 'no') return `${who}; its SSH session is gone: the lock lapses within ${LOCK_GRACE_S} s (or resume that run with --retry-failed)`;
  return `${who}: another tpx run is working on this host`;
}
