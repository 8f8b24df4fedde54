import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relayDelayed } from '../../../src/lab/bridge/delayed-relay.js';
import { connectSsh } from '../../../src/transport/ssh/connect-ssh.js';
import { sshdSpec, startSshd, type SshdFixture } from '../support/sshd-fixture.js';

/** Half of the round trip the relay adds: long, so that "before the server could answer" is far from any scheduling noise. */
const ONE_WAY_MS = 500;

/** A real sshd behind a TCP relay that delays every byte ONE_WAY_MS each way (the lab bridge's delay). */
describe('closing a connection (real sshd, 1 s round trip)', () => {
  let sshd: SshdFixture;
  let relay: Server;
  let work: string;
  let knownHosts: string;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    sshd = await startSshd({});
    work = mkdtempSync(join(tmpdir(), 'tpx-close-'));
    relay = createServer((client) => {
      const server = createConnection({ host: '127.0.0.1', port: sshd.port });
      for (const s of [client, server]) {
        sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => sockets.delete(s));
      }
      relayDelayed(client, server, ONE_WAY_MS);
      relayDelayed(server, client, ONE_WAY_MS);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const port = (relay.address() as { port: number }).port;
    knownHosts = join(work, 'known_hosts');
    writeFileSync(knownHosts, sshd.knownHostsLines.map((l) => l.replace(/^\S+/, `[127.0.0.1]:${port}`)).join('\n') + '\n');
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => relay?.close(resolve));
    await sshd?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('lets go once its goodbye is written, without waiting a round trip for the server; the server sees it', async () => {
    const port = (relay.address() as { port: number }).port;
    const conn = await connectSsh({ ...sshdSpec(sshd, 'far-1', knownHosts), port, connectTimeoutMs: 30_000 });
    const marker = join(work, 'ended');
    // Runs until its channel ends: when the server has torn the session down.
    const left = conn.exec(`trap 'echo bye > ${marker}' EXIT; cat > /dev/null`).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 3 * ONE_WAY_MS));
    const started = performance.now();
    await conn.close();
    expect(performance.now() - started).toBeLessThan(ONE_WAY_MS);
    expect(conn.isClosed()).toBe(true);
    await left;
    // The goodbye still reaches the server, a one-way trip later: the command's stdin ends.
    const { existsSync } = await import('node:fs');
    const deadline = Date.now() + 20 * ONE_WAY_MS;
    while (!existsSync(marker) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(existsSync(marker)).toBe(true);
  }, 60_000);
});

/** Made-up clients and streams: what close() does when they misbehave. */
describe('closing a connection whose parts are already gone', () => {
  it('resolves once, removes its listeners, and survives a destroy that throws (a jump host that died)', async () => {
    const { EventEmitter } = await import('node:events');
    const { SshConnection } = await import('../../../src/transport/ssh/ssh-connection.js');
    const { PassThrough } = await import('node:stream');
    const client = Object.assign(new EventEmitter(), {
      end: () => undefined,
      destroy: () => {
        throw new Error('Instance unusable after fatal error');
      },
    });
    const stream = new PassThrough();
    stream.destroy = () => {
      throw new Error('Instance unusable after fatal error');
    };
    const conn = new SshConnection('gone', [client as never], [stream]);
    stream.end();
    await conn.close();
    expect(client.listenerCount('close')).toBe(1); // the connection's own close listener only
    expect(stream.listenerCount('finish')).toBe(0);
    // A late close event finds nothing of close() left to run.
    expect(() => client.emit('close')).not.toThrow();
  });
});
