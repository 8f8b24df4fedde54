import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeHolder } from '../../src/engine/host-lock.js';
import { parseLockAnswer, releaseLockScript, takeLockScript, type LockOwner } from '../../src/engine/host-lock-script.js';

const hasFlock = spawnSync('sh', ['-c', 'command -v flock && command -v setsid && command -v pgrep']).status === 0;
const root = mkdtempSync(join(tmpdir(), 'tpx-lock-test-'));
const dir = join(root, 'tpx-lock');
const keepers: number[] = [];
afterAll(() => {
  for (const k of keepers) {
    try {
      process.kill(k, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  rmSync(root, { recursive: true, force: true });
});

const owner = (over: Partial<LockOwner> = {}): LockOwner => ({ runId: 'run-a', pid: 100, controller: "ctl 'x'", host: 'mesh-01', since: '2026-01-01T00:00:00Z', ...over });
/** Runs a lock script with dash/sh as the host would; its $PPID (the "SSH session") is this test process. */
const sh = (script: string): string => execFileSync('sh', ['-c', script], { encoding: 'utf8', timeout: 20_000 });
/** Gone, or a zombie nobody reaped yet (the keeper's parent, the script's shell, has exited). */
function isGone(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').startsWith('Z');
  } catch {
    return true;
  }
}
function waitGone(pid: number): boolean {
  const deadline = Date.now() + 5000;
  while (!isGone(pid) && Date.now() < deadline) spawnSync('sleep', ['0.05']);
  return isGone(pid);
}
const holderField = (name: string): string | undefined => readFileSync(join(dir, 'holder'), 'utf8').match(new RegExp(`^${name}=(.*)$`, 'm'))?.[1];

describe('host lock answers', () => {
  it.each([
    ['TPXLOCK ok\n', { kind: 'ok' }],
    ['junk\nTPXLOCK held alive=no phase=orphans\nrun=r1\npid=7\n', { kind: 'held', holder: { alive: 'no', phase: 'orphans', run: 'r1', pid: '7' } }],
    ['TPXLOCK unavailable flock or setsid is missing on the host\n', { kind: 'unavailable', reason: 'flock or setsid is missing on the host' }],
    ['sh: 1: exec: cannot open\n', { kind: 'unavailable', reason: 'no answer from the lock script: sh: 1: exec: cannot open' }],
  ])('%j', (stdout, expected) => {
    expect(parseLockAnswer(stdout)).toEqual(expected);
  });

  it('describes the holder in one line, saying when it lapses', () => {
    const h = { run: 'r1', since: 'T', pid: '7', controller: 'ops-1', user: 'tpx' };
    expect(describeHolder({ ...h, alive: 'yes' })).toBe('locked by run r1 since T (pid 7 on ops-1, user tpx): another tpx run is working on this host');
    expect(describeHolder({ ...h, alive: 'no', phase: 'idle' })).toMatch(/its SSH session is gone: the lock lapses within 15 s/);
    expect(describeHolder({ ...h, alive: 'no', phase: 'orphans' })).toMatch(/commands it started still run on the host/);
  });
});

describe.skipIf(!hasFlock)('host lock script (sh, flock)', () => {
  it('takes the lock, refuses another run, lets the same process take over, releases', () => {
    expect(sh(takeLockScript(owner(), dir))).toContain('TPXLOCK ok');
    expect(statSync(dir).mode & 0o777).toBe(0o777);
    expect(holderField('run')).toBe('run-a');
    expect(holderField('controller')).toBe("ctl 'x'");
    const first = Number(holderField('keeper'));
    keepers.push(first);

    const other = parseLockAnswer(sh(takeLockScript(owner({ runId: 'run-b', pid: 200 }), dir)));
    // The "session" (this process) is alive: held, with the holder's details.
    expect(other).toMatchObject({ kind: 'held', holder: { run: 'run-a', pid: '100', alive: 'yes', phase: 'live', host: 'mesh-01' } });
    // Same run, another process, session alive: held too (two processes never share it).
    expect(parseLockAnswer(sh(takeLockScript(owner({ pid: 300 }), dir))).kind).toBe('held');
    // Same run, another host name of this process (an alias of the same machine): held.
    expect(parseLockAnswer(sh(takeLockScript(owner({ host: 'alias' }), dir))).kind).toBe('held');

    // The same process for the same host (a reconnect): takes it over, with a new keeper.
    expect(sh(takeLockScript(owner(), dir))).toContain('TPXLOCK ok');
    const second = Number(holderField('keeper'));
    keepers.push(second);
    expect(second).not.toBe(first);
    expect(waitGone(first)).toBe(true);

    // Another process's release does nothing; ours ends the keeper and frees the lock.
    sh(releaseLockScript(owner({ pid: 999 }), dir));
    expect(isGone(second)).toBe(false);
    sh(releaseLockScript(owner(), dir));
    expect(waitGone(second)).toBe(true);
    expect(sh(takeLockScript(owner({ runId: 'run-b', pid: 200 }), dir))).toContain('TPXLOCK ok');
    keepers.push(Number(holderField('keeper')));
    sh(releaseLockScript(owner({ runId: 'run-b', pid: 200 }), dir));
  });

  it('a holder whose session is gone: another run is refused until told the holder is dead; a retry of the run takes over', () => {
    // The script's parent shell (its "SSH session") ends right after it.
    const viaGoneSession = (script: string): string => execFileSync('sh', ['-c', 'sh -c "$1"; true', 'session', script], { encoding: 'utf8', timeout: 20_000 });
    const idle = (): boolean => {
      try {
        return readFileSync(join(dir, 'phase'), 'utf8').trim() === 'idle';
      } catch {
        return false;
      }
    };
    const waitIdle = (): boolean => {
      const deadline = Date.now() + 10_000;
      while (!idle() && Date.now() < deadline) spawnSync('sleep', ['0.1']);
      return idle();
    };
    const a = owner({ runId: 'run-c', pid: 400 });
    expect(viaGoneSession(takeLockScript(a, dir))).toContain('TPXLOCK ok');
    keepers.push(Number(holderField('keeper')));
    expect(waitIdle()).toBe(true);
    const b = owner({ runId: 'run-d', pid: 500 });
    expect(parseLockAnswer(sh(takeLockScript(b, dir)))).toMatchObject({ kind: 'held', holder: { alive: 'no', phase: 'idle', run: 'run-c' } });
    // Told a different holder is dead: still refused.
    expect(parseLockAnswer(sh(takeLockScript(b, dir, "999/ctl 'x'"))).kind).toBe('held');
    expect(sh(takeLockScript(b, dir, "400/ctl 'x'"))).toContain('TPXLOCK ok');
    keepers.push(Number(holderField('keeper')));
    sh(releaseLockScript(b, dir));
    // A retry of run-c (another process, same run id) once run-c's session is gone.
    expect(viaGoneSession(takeLockScript(a, dir))).toContain('TPXLOCK ok');
    keepers.push(Number(holderField('keeper')));
    expect(waitIdle()).toBe(true);
    expect(sh(takeLockScript(owner({ runId: 'run-c', pid: 401 }), dir))).toContain('TPXLOCK ok');
    keepers.push(Number(holderField('keeper')));
    sh(releaseLockScript(owner({ runId: 'run-c', pid: 401 }), dir));
  });

  it('says when the lock cannot work: a directory it cannot write', () => {
    const answer = parseLockAnswer(sh(takeLockScript(owner(), join(root, 'no', 'such', 'dir'))));
    expect(answer).toEqual({ kind: 'unavailable', reason: `${join(root, 'no', 'such', 'dir')} is not a directory this user can write` });
  });
});
