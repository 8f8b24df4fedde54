/**
 * The host side of the run lock (host/run-lock.sh), run here with the machine's sh and
 * flock as a host would run it, in scope `user` with a private HOME (scope `root` is the
 * same code with /run/tpx, exercised on the lab by test/e2e/security-host-lock.test.ts).
 * Each "connection" is a child process whose stdin the test holds, as sshd holds a channel's.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { hasLockAnswer, parseLockAnswer, type LockAnswer } from '../../src/engine/host-lock-answer.js';
import { describeHolder, describePrevious, shortCommand } from '../../src/engine/host-lock.js';

const SCRIPT = readFileSync(join(import.meta.dirname, '../../host/run-lock.sh'), 'utf8');
const hasFlock = spawnSync('sh', ['-c', 'command -v flock']).status === 0;
const root = mkdtempSync(join(tmpdir(), 'tpx-lock-test-'));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Owner {
  run: string;
  pid: string;
  controller: string;
  host: string;
}
const base: Owner = { run: 'run-a', pid: '100', controller: 'ctl-1', host: 'mesh-01' };

interface Holding {
  readonly child: ChildProcess;
  readonly answer: LockAnswer;
  readonly stdout: string;
  /** Resolves when the script ended. */
  readonly ended: Promise<void>;
}

/** Starts the lock script like tpx does and waits for its answer (ok keeps it running). */
function take(home: string, owner: Partial<Owner> = {}, options: { takeover?: string; conn?: string; ns?: string } = {}): Promise<Holding> {
  const o = { ...base, ...owner };
  const child = spawn(
    'sh',
    ['-c', SCRIPT, 'tpx-run-lock', 'user', o.run, o.pid, o.controller, o.host, '2026-01-01T00:00:00Z', options.takeover ?? '', options.ns ?? 'pid:[1]'],
    {
      env: { PATH: process.env.PATH, HOME: home, SSH_CONNECTION: options.conn ?? '127.0.0.1 40000 127.0.0.1 22' },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  children.push(child);
  const ended = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return new Promise((resolve) => {
    let stdout = '';
    const done = (): void => resolve({ child, answer: parseLockAnswer(stdout), stdout, ended });
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (/^TPXLOCK ok$/m.test(stdout)) done();
    });
    child.once('close', done);
  });
}

const newHome = (): string => mkdtempSync(join(root, 'home-'));
const lockDir = (home: string): string => join(home, '.local/state/tpx');
const holderText = (home: string): string => readFileSync(join(lockDir(home), 'holder'), 'utf8');
const field = (home: string, name: string): string | undefined => holderText(home).match(new RegExp(`^${name}=(.*)$`, 'm'))?.[1];
const release = async (h: Holding): Promise<void> => {
  h.child.stdin!.end('release\n');
  await h.ended;
};
const drop = async (h: Holding): Promise<void> => {
  h.child.stdin!.end();
  await h.ended;
};

describe('host lock answers', () => {
  it.each([
    ['TPXLOCK ok\n', { kind: 'ok' }],
    ['junk\nTPXLOCK held\nrun=r1\npid=7\n', { kind: 'held', holder: { run: 'r1', pid: '7' } }],
    ['TPXLOCK unavailable flock (util-linux) is missing on the host\n', { kind: 'unavailable', reason: 'flock (util-linux) is missing on the host' }],
    ['sh: 1: exec: cannot open\n', { kind: 'unavailable', reason: 'no answer from the lock script: sh: 1: exec: cannot open' }],
    [
      'TPXLOCK left 41 sleep 60\nTPXLOCK left more 2\nTPXLOCK previous run=r0 pid=9 controller=c\nTPXLOCK ok\n',
      { kind: 'ok', previous: { holder: { run: 'r0', pid: '9', controller: 'c' }, left: [{ pid: '41', command: 'sleep 60' }], more: 2 } },
    ],
  ])('%j', (stdout, expected) => {
    expect(parseLockAnswer(stdout)).toEqual(expected);
  });

  it('takes only a line of its own as the answer: a \\r or U+2028 in a listed command is no line end', () => {
    expect(hasLockAnswer('TPXLOCK left 7 sleep 1\rTPXLOCK ok\r\n')).toBe(false);
    expect(hasLockAnswer('TPXLOCK left 7 x\u2028TPXLOCK ok\n')).toBe(false);
    expect(hasLockAnswer('TPXLOCK left 7 x\nTPXLOCK ok\n')).toBe(true);
  });

  it.each([
    ['sh -c echo tpxab12 sleep 60', 'sleep 60'],
    ['bash -c echo tpxab12 sleep 60', 'sleep 60'],
    ['/bin/bash -c echo tpxab12 sleep 60', 'sleep 60'],
    ["sudo -n -u root -- sh -c echo tpxab12go exec /bin/sh -c 'sleep 60'", "sudo: /bin/sh -c 'sleep 60'"],
    ['/usr/bin/python3 -c echo tpxab12 x', '/usr/bin/python3 -c echo tpxab12 x'],
    ['sleep 60', 'sleep 60'],
  ])("shows a left command without tpx's wrapper: %s", (command, shown) => {
    expect(shortCommand(command)).toBe(shown);
  });

  it('describes the holder and what a dead connection left, in one line each', () => {
    expect(describeHolder({ run: 'r1', since: 'T', pid: '7', controller: 'ops-1', user: 'tpx' })).toBe(
      'locked by run r1 since T (pid 7 on ops-1, user tpx): another tpx run is working on this host',
    );
    const previous = { holder: { run: 'r0', pid: '9', controller: 'c' }, left: [{ pid: '41', command: 'sleep 60' }], more: 0 };
    expect(describePrevious(previous)).toBe(
      'the last connection of run r0 (pid 9 on c) ended without releasing the host lock; 1 process it started still runs on the host: 41 `sleep 60`',
    );
  });
});

describe.skipIf(!hasFlock)('host lock script (sh, flock)', () => {
  it('takes the lock in a private directory, refuses another run, and a release frees it at once', async () => {
    const home = newHome();
    const a = await take(home);
    expect(a.answer).toEqual({ kind: 'ok' });
    expect(statSync(lockDir(home)).mode & 0o777).toBe(0o700);
    expect(field(home, 'run')).toBe('run-a');
    expect(field(home, 'conn')).toBe('127.0.0.1 40000 127.0.0.1 22');

    const b = await take(home, { run: 'run-b', pid: '200' });
    expect(b.answer).toMatchObject({ kind: 'held', holder: { run: 'run-a', pid: '100', controller: 'ctl-1', host: 'mesh-01' } });
    // Same run, another process: held too (two processes never share a host).
    expect((await take(home, { pid: '300' })).answer.kind).toBe('held');

    await release(a);
    expect(holderText(home)).toBe('');
    const c = await take(home, { run: 'run-b', pid: '200' });
    // A clean release leaves nothing to warn about.
    expect(c.answer).toEqual({ kind: 'ok' });
    await release(c);
  });

  it('holds the lock without polling: one sleeping shell, no child processes', async () => {
    const home = newHome();
    const a = await take(home);
    const pid = a.child.pid!;
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    expect(children).toBe('');
    const ticks = (): number =>
      readFileSync(`/proc/${pid}/stat`, 'utf8')
        .replace(/^.*\) /, '')
        .split(' ')
        .slice(11, 13)
        .map(Number)
        .reduce((x, y) => x + y, 0);
    const before = ticks();
    await new Promise((r) => setTimeout(r, 1500));
    expect(ticks() - before).toBe(0);
    await release(a);
  });

  it('a dropped connection frees the lock at once; the next run is told what it left running', async () => {
    const home = newHome();
    const conn = '127.0.0.1 41234 127.0.0.1 22';
    const a = await take(home, {}, { conn });
    // A command the dead connection started that still runs (it carries the session's SSH_CONNECTION).
    const orphan = spawn('sleep', ['30'], { env: { SSH_CONNECTION: conn }, stdio: 'ignore' });
    children.push(orphan);
    await drop(a);
    const started = Date.now();
    const b = await take(home, { run: 'run-b', pid: '200' });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(b.answer.kind).toBe('ok');
    if (b.answer.kind !== 'ok') return;
    expect(b.answer.previous?.holder).toMatchObject({ run: 'run-a', pid: '100', controller: 'ctl-1' });
    expect(b.answer.previous?.left).toContainEqual({ pid: String(orphan.pid), command: 'sleep 30' });
    await release(b);
  });

  it('a reconnect of the same process, or a takeover of a dead tpx, ends the old holder and takes the lock', async () => {
    const home = newHome();
    const a = await take(home);
    const again = await take(home);
    expect(again.answer.kind).toBe('ok');
    await a.ended;
    // Same pid and name, another PID namespace (a container on the same controller name): held.
    expect((await take(home, {}, { ns: 'pid:[2]' })).answer.kind).toBe('held');
    expect((await take(home, { run: 'run-b', pid: '200' }, { takeover: '100/ctl-1/pid:[2]', ns: 'pid:[2]' })).answer.kind).toBe('held');
    const other = await take(home, { run: 'run-b', pid: '200' }, { takeover: '100/ctl-1/pid:[1]' });
    expect(other.answer.kind).toBe('ok');
    await again.ended;
    // A takeover names only the process it was given.
    const third = await take(home, { run: 'run-c', pid: '300' }, { takeover: '100/ctl-1/pid:[1]' });
    expect(third.answer).toMatchObject({ kind: 'held', holder: { run: 'run-b', ns: 'pid:[1]' } });
    await release(other);
  });

  it.runIf(process.getuid?.() === 0)('names only processes of the login user and root: another user cannot forge one that was left', async () => {
    const home = newHome();
    const conn = '127.0.0.1 41999 127.0.0.1 22';
    const a = await take(home, {}, { conn });
    // Another user's process with the dead session's SSH_CONNECTION and an answer in its argv.
    const forged = spawn('sh', ['-c', 'sleep 30', 'x\rTPXLOCK ok\r'], { env: { SSH_CONNECTION: conn }, stdio: 'ignore', uid: 65534, gid: 65534 });
    children.push(forged);
    const own = spawn('sleep', ['31'], { env: { SSH_CONNECTION: conn }, stdio: 'ignore' });
    children.push(own);
    await drop(a);
    const b = await take(home, { run: 'run-b', pid: '200' });
    expect(b.answer.kind).toBe('ok');
    if (b.answer.kind !== 'ok') return;
    // In scope user the login user is this test (root): its own process is named, nobody's not.
    expect(b.answer.previous?.left.map((p) => p.pid)).toEqual([String(own.pid)]);
    expect(b.stdout).not.toContain(String(forged.pid));
    await release(b);
  });

  it.runIf(process.getuid?.() === 0)(
    'refuses a lock directory another user owns, others can write, or that is a link; never follows a planted link',
    async () => {
      const home = newHome();
      mkdirSync(join(home, '.local/state'), { recursive: true });
      // Owned by someone else (nobody).
      mkdirSync(lockDir(home), { mode: 0o700 });
      chownSync(lockDir(home), 65534, 65534);
      const foreign = await take(home);
      expect(foreign.answer).toMatchObject({ kind: 'unavailable' });
      expect((foreign.answer as { reason: string }).reason).toMatch(/is not a directory of root .*nobody.*; remove it/);
      rmSync(lockDir(home), { recursive: true });

      mkdirSync(lockDir(home), { mode: 0o700 });
      chmodSync(lockDir(home), 0o777);
      expect((await take(home)).answer).toMatchObject({ kind: 'unavailable', reason: expect.stringMatching(/writable by other users/) });
      rmSync(lockDir(home), { recursive: true });

      const victim = join(home, '.bashrc');
      writeFileSync(victim, 'safe\n', { mode: 0o644 });
      symlinkSync(home, lockDir(home));
      expect((await take(home)).answer).toMatchObject({ kind: 'unavailable', reason: expect.stringMatching(/is not a directory/) });
      rmSync(lockDir(home));
      mkdirSync(lockDir(home), { mode: 0o700 });
      symlinkSync(victim, join(lockDir(home), 'lock'));
      expect((await take(home)).answer).toMatchObject({ kind: 'unavailable', reason: expect.stringMatching(/lock is a symbolic link/) });
      expect(readFileSync(victim, 'utf8')).toBe('safe\n');
      expect(statSync(victim).mode & 0o777).toBe(0o644);
      expect(lstatSync(join(lockDir(home), 'lock')).isSymbolicLink()).toBe(true);
      expect(existsSync(join(lockDir(home), 'holder'))).toBe(false);
    },
  );
});
