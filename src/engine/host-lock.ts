import { readFileSync, readlinkSync } from 'node:fs';
import { ConnectionError } from '../errors/connection-error.js';
import { quoteArgv } from '../shell/quote.js';
import type { Connection, ExecResult } from '../transport/connection.js';
import { hasLockAnswer, parseLockAnswer, type LockAnswer, type PreviousHolder } from './host-lock-answer.js';

/**
 * The per-host run lock: two tpx runs never work on one host at once. On every new
 * connection one channel runs host/run-lock.sh, which takes flock(2) on a file only its
 * owner can open — /run/tpx/lock as root when the connection's first task runs with become
 * to root (the upgrade), else ~/.local/state/tpx/lock of the login user — and then holds it
 * for as long as the channel's stdin stays open. Closing the connection writes `release`;
 * a dropped connection closes stdin, and the kernel frees the lock. Nothing on the host
 * polls, and nothing outlives the connection that took the lock.
 */

const SCRIPT = readFileSync(new URL('../../host/run-lock.sh', import.meta.url), 'utf8');
/** The script waits up to 10 s for a holder that is ending; sudo and a loaded host get the rest. */
const ANSWER_TIMEOUT_MS = 60_000;
const RELEASE_TIMEOUT_MS = 5_000;

/** Who takes the lock: the run, the tpx process and the machine it runs on, the host's inventory name. */
export interface LockOwner {
  readonly runId: string;
  readonly pid: number;
  readonly controller: string;
  readonly host: string;
  /** ISO time the run started. */
  readonly since: string;
}

/**
 * This process's PID namespace (`pid:[4026531836]`), or '' off Linux: a controller with the
 * same host name in another namespace (a container, a CI runner) sees other PIDs, so a
 * holder is only judged dead, and taken over, by a tpx in the namespace it ran in.
 */
export const PID_NAMESPACE = ((): string => {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return '';
  }
})();

/** `root`: through sudo, in /run/tpx; `user`: as the login user, in its own state dir. */
export type LockScope = 'root' | 'user';

interface HeldLock {
  letGo(): void;
  readonly ended: Promise<unknown>;
}
const held = new WeakMap<Connection, HeldLock>();

/**
 * Takes the host's run lock on a new connection (one channel, one round trip), or throws
 * ConnectionError `locked` — the host is unreachable for this run and left alone:
 * "mesh-01: locked by run X since T (pid P on C, user U)". A host where the lock cannot
 * work (no flock, a lock directory someone else owns) is told through `warn` and worked on
 * without it, as is a connection that ended without releasing it and left processes running.
 */
export async function takeHostLock(conn: Connection, owner: LockOwner, scope: LockScope, warn: (msg: string) => void, signal?: AbortSignal): Promise<void> {
  let answer = await holdLock(conn, owner, scope, '', signal);
  if (answer.kind === 'held' && isDeadLocalHolder(answer.holder, owner)) {
    // Its tpx ran here and is gone, but the host has not noticed its connection end yet.
    answer = await holdLock(conn, owner, scope, `${answer.holder.pid}/${answer.holder.controller}/${PID_NAMESPACE}`, signal);
  }
  if (answer.kind === 'ok') {
    if (answer.previous && !isOwnEarlierConnection(answer.previous, owner)) warn(describePrevious(answer.previous));
    return;
  }
  if (answer.kind === 'unavailable') {
    warn(`the host lock is not available (${answer.reason}); working on the host without it`);
    return;
  }
  throw new ConnectionError(owner.host, 'locked', `${owner.host}: ${describeHolder(answer.holder)}`);
}

/** Releases the lock this connection holds (bounded): the holder empties its record and ends. */
export async function releaseHostLock(conn: Connection): Promise<void> {
  const lock = held.get(conn);
  if (!lock) return;
  held.delete(conn);
  lock.letGo();
  await Promise.race([lock.ended, new Promise((resolve) => setTimeout(resolve, RELEASE_TIMEOUT_MS).unref())]);
}

/** Runs the lock script; on `ok` leaves it holding the lock and registers how to let go. */
async function holdLock(conn: Connection, owner: LockOwner, scope: LockScope, takeover: string, signal?: AbortSignal): Promise<LockAnswer> {
  const interrupted = (): ConnectionError => new ConnectionError(owner.host, 'closed', `${owner.host}: interrupted while taking the host lock`);
  if (signal?.aborted) throw interrupted();
  let letGo!: (last: string) => void;
  const until = new Promise<string>((resolve) => (letGo = resolve));
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), ANSWER_TIMEOUT_MS);
  const onAbort = (): void => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let stdout = '';
  let answered!: (text: string) => void;
  const firstAnswer = new Promise<string>((resolve) => (answered = resolve));
  const fields = [scope, owner.runId, String(owner.pid), owner.controller, owner.host, owner.since, takeover, PID_NAMESPACE].map(oneLine);
  const argv = ['sh', '-c', SCRIPT, 'tpx-run-lock', ...fields];
  const ended: Promise<ExecResult> = conn.exec(quoteArgv(argv), {
    become: scope === 'root',
    becomeUser: 'root',
    holdStdinUntil: until,
    signal: stop.signal,
    onStdout: (chunk) => {
      stdout += chunk;
      if (hasLockAnswer(stdout)) answered(stdout);
    },
  });
  try {
    const text = await Promise.race([firstAnswer, ended.then((r) => (stop.signal.aborted ? undefined : r.stdout))]);
    if (signal?.aborted) throw interrupted();
    if (text === undefined) return { kind: 'unavailable', reason: `no answer from the lock script within ${ANSWER_TIMEOUT_MS / 1000} s` };
    const answer = parseLockAnswer(text);
    if (answer.kind === 'ok') {
      held.set(conn, { letGo: () => letGo('release\n'), ended: ended.catch(() => undefined) });
    } else letGo('');
    return answer;
  } catch (err) {
    letGo('');
    throw err;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Arguments end up as lines of the holder record: a newline would forge a field. */
function oneLine(value: string): string {
  return value.replace(/[\r\n]/g, ' ');
}

/** A reconnect of this very process: what its dropped connection left is its own business. */
function isOwnEarlierConnection(previous: PreviousHolder, owner: LockOwner): boolean {
  return previous.holder.pid === String(owner.pid) && previous.holder.controller === owner.controller && previous.holder.run === owner.runId;
}

/** The holder's tpx process ran on this machine and is no more. */
function isDeadLocalHolder(holder: Readonly<Record<string, string>>, owner: LockOwner): boolean {
  const pid = Number(holder.pid);
  if (holder.controller !== owner.controller || holder.ns !== PID_NAMESPACE || !Number.isInteger(pid) || pid <= 0) return false;
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

/** "locked by run X since T (pid P on CONTROLLER, user U): another tpx run is working on this host". */
export function describeHolder(holder: Readonly<Record<string, string>>): string {
  return `locked by run ${holder.run || '?'} since ${holder.since || '?'} (pid ${holder.pid || '?'} on ${holder.controller || '?'}${holder.user ? `, user ${holder.user}` : ''}): another tpx run is working on this host`;
}

/** The warning for a connection that ended without releasing the lock. */
export function describePrevious(previous: PreviousHolder): string {
  const who = `run ${previous.holder.run || '?'} (pid ${previous.holder.pid || '?'} on ${previous.holder.controller || '?'})`;
  const count = previous.left.length + previous.more;
  if (count === 0) return `the last connection of ${who} ended without releasing the host lock; nothing it started still runs`;
  const listed = previous.left.map((p) => `${p.pid} \`${shortCommand(p.command)}\``).join(', ');
  return `the last connection of ${who} ended without releasing the host lock; ${count} process${count === 1 ? '' : 'es'} it started still run${count === 1 ? 's' : ''} on the host: ${listed}${previous.more ? `, and ${previous.more} more` : ''}`;
}

/**
 * A left command as tpx started it, without the wrapper: `sudo … sh -c echo tpx…go exec /bin/sh -c 'sleep 60'`
 * → `sudo: /bin/sh -c 'sleep 60'`; `/bin/bash -c echo tpx…$$ sleep 60` (the login shell, named by
 * sshd or, on a spare channel, by its path) → `sleep 60`.
 */
export function shortCommand(command: string): string {
  return command.replace(/^sudo .*? -- sh -c echo tpx[0-9a-f]+go +(?:exec +)?/, 'sudo: ').replace(/^(?:\S*\/)?[\w.-]*sh -c echo tpx[0-9a-f]+\S* +/, '');
}
