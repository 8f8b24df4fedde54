import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionSpec } from '../../../src/transport/connection.js';
import { connectSsh } from '../../../src/transport/ssh/connect-ssh.js';
import type { ChannelHost } from '../../../src/transport/ssh/open-channel.js';
import { SessionLimiter } from '../../../src/transport/ssh/session-limiter.js';
import { SpareChannels } from '../../../src/transport/ssh/spare-channel.js';
import type { SshConnection } from '../../../src/transport/ssh/ssh-connection.js';
import { sshdSpec, startSshd, type SshdFixture } from '../support/sshd-fixture.js';

/** The spare channel against a real OpenSSH sshd: a command on it behaves as one sent with exec. */
describe('spare channels (real sshd)', () => {
  let sshd: SshdFixture;
  let work: string;
  let spec: ConnectionSpec;

  beforeAll(async () => {
    sshd = await startSshd({ maxSessions: 4 });
    work = mkdtempSync(join(tmpdir(), 'tpx-spare-'));
    const knownHosts = join(work, 'known_hosts');
    writeFileSync(knownHosts, sshd.knownHostsLines.join('\n') + '\n');
    spec = sshdSpec(sshd, 'spare-1', knownHosts);
  });
  afterAll(async () => {
    await sshd?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  /** Counts what goes out as exec requests: the real commands, and the spares' stubs. */
  const watchRequests = (conn: SshConnection): { commands: string[]; stubs: number } => {
    const seen = { commands: [] as string[], stubs: 0 };
    const client = conn.client as unknown as { exec: (...a: unknown[]) => unknown };
    const exec = client.exec.bind(client);
    client.exec = (command: unknown, ...rest: unknown[]) => {
      if (String(command).startsWith('e=tpx-end-')) seen.stubs++;
      else seen.commands.push(String(command));
      return exec(command, ...rest);
    };
    return seen;
  };

  it('sends only the first of a run of commands as an exec request; the rest go on spares', async () => {
    const conn = (await connectSsh(spec)) as SshConnection;
    const seen = watchRequests(conn);
    const outputs: string[] = [];
    for (let i = 0; i < 5; i++) outputs.push((await conn.exec(`echo run-${i}`)).stdout);
    await conn.close();
    expect(outputs).toEqual(['run-0\n', 'run-1\n', 'run-2\n', 'run-3\n', 'run-4\n']);
    expect(seen.commands.filter((c) => c.includes('echo run-'))).toHaveLength(1);
    expect(seen.stubs).toBeGreaterThanOrEqual(4);
  });

  it('a command on a spare channel gets its environment on stdin, then its own binary stdin intact', async () => {
    const conn = (await connectSsh(spec)) as SshConnection;
    await conn.exec('true');
    const bytes = randomBytes(100_000);
    const r = await conn.exec('printf "%s\\n" "$A_VAR"; sha256sum | cut -d" " -f1', { environment: { A_VAR: "it's $HOME" }, stdin: bytes });
    await conn.close();
    expect(r.stdout).toBe(`it's $HOME\n${createHash('sha256').update(bytes).digest('hex')}\n`);
  });

  it('keeps lines, quotes, backslashes, exit status, stderr, signals and stdin bytes as they are', async () => {
    const conn = (await connectSsh(spec)) as SshConnection;
    const seen = watchRequests(conn);
    await conn.exec('true');
    const tricky = ['  lead \'q\' "dq" \\back\\slash \\n $HOME-not-expanded', '', '\ttab', 'e=tpx-end-not-the-end'];
    const script = `cat <<'EOF'\n${tricky.join('\n')}\nEOF\necho err >&2\nexit 7`;
    const r = await conn.exec(script);
    expect(r).toMatchObject({ rc: 7, stdout: tricky.join('\n') + '\n', stderr: 'err\n' });

    const killed = await conn.exec('kill -TERM $$');
    expect(killed).toMatchObject({ rc: null, signal: 'SIGTERM' });

    const bytes = randomBytes(300_000);
    const sum = await conn.exec('sha256sum | cut -d" " -f1', { stdin: bytes });
    expect(sum.stdout.trim()).toBe(createHash('sha256').update(bytes).digest('hex'));

    // The command's PID is the session's process group, so a timeout stops all it started.
    const t0 = Date.now();
    const slow = await conn.exec('sleep 30 & sleep 30; echo never', { timeoutMs: 300 });
    expect(slow.timedOut).toBe(true);
    expect(Date.now() - t0).toBeLessThan(10_000);
    const left = await conn.exec('pgrep -f "^sleep 30$" || echo none');
    expect(left.stdout.trim()).toBe('none');
    await conn.close();
    expect(seen.commands.filter((c) => c.includes('sha256sum') || c.includes('kill -TERM $$') || c.includes('tricky'))).toHaveLength(0);
  });

  it('sends a command too long for the stub as its own exec request', async () => {
    const conn = (await connectSsh(spec)) as SshConnection;
    const seen = watchRequests(conn);
    await conn.exec('true');
    const long = `: ${'x'.repeat(70_000)}; echo long-ok`;
    expect((await conn.exec(long)).stdout).toBe('long-ok\n');
    await conn.close();
    expect(seen.commands.some((c) => c.includes('long-ok'))).toBe(true);
  });

  it('runs commands through sudo on spares, password prompts included', async () => {
    const conn = (await connectSsh(spec)) as SshConnection;
    await conn.exec('true');
    const r = await conn.exec('id -un; cat', { become: true, becomeUser: 'daemon', stdin: 'via-spare\n' });
    await conn.close();
    expect(r).toMatchObject({ rc: 0, stdout: 'daemon\nvia-spare\n' });
  });
});

/** A made-up connection whose stubs start when the test says: how many spares the reserve keeps. */
describe('spare channels: how many are kept', () => {
  type Pending = { cb: (err: Error | undefined, stream: unknown) => void };
  const fakeHost = (slots: number) => {
    const opened: Pending[] = [];
    const written: string[] = [];
    const closers: (() => void)[] = [];
    const stream = () => ({ destroyed: false, write: (s: string) => written.push(s), once: (_event: string, cb: () => void) => closers.push(cb) });
    const host = {
      name: 'fake',
      token: 'tok',
      limiter: new SessionLimiter(slots),
      isClosed: () => false,
      client: { exec: (_stub: string, cb: Pending['cb']) => opened.push({ cb }) },
    };
    const ready = (i: number) => opened[i].cb(undefined, stream());
    return { host: host as unknown as ChannelHost, opened, written, ready, closers };
  };

  it('keeps one where each spare is ready before it is taken, two from the first command that had to wait', async () => {
    const { host, opened, ready } = fakeHost(9);
    const spares = new SpareChannels(host);
    spares.fill();
    expect(opened).toHaveLength(1);
    ready(0);
    await new Promise((resolve) => setImmediate(resolve));
    // Ready when taken: the next one opens, still one in reserve.
    expect(await spares.take('echo 1')).toBeDefined();
    expect(opened).toHaveLength(2);
    // Not ready when taken (a round trip that takes longer than a command): two from now on.
    const second = spares.take('echo 2');
    expect(opened).toHaveLength(4);
    ready(1);
    expect(await second).toBeDefined();
    ready(2);
    ready(3);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await spares.take('echo 3')).toBeDefined();
    expect(opened).toHaveLength(5);
  });

  it('never lets a second spare take the last free session slot', async () => {
    const { host, opened } = fakeHost(3);
    const spares = new SpareChannels(host);
    spares.fill();
    void spares.take('echo 1');
    // Deepened (the spare was not ready), but a second one in reserve would leave no slot for a
    // transfer or a command too long for a stub.
    expect(opened).toHaveLength(2);
    expect(host.limiter.free).toBe(1);
  });

  it('gives the slot of a spare that closes while idle back at once, and never hands it out', async () => {
    const { host, ready, closers } = fakeHost(3);
    const spares = new SpareChannels(host);
    spares.fill();
    ready(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(host.limiter.free).toBe(2);
    // The server closed it (ChannelTimeout): a command waiting for a slot must not wait for it.
    closers[0]();
    expect(host.limiter.free).toBe(3);
    expect(await spares.take('echo 1')).toBeUndefined();
  });
});
