import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError } from '../../../src/errors/connection-error.js';
import { connectSsh } from '../../../src/transport/ssh/connect-ssh.js';
import { setUpFixture, type TestFixture } from './support/client-setup.js';
import { generateKeyPair } from './support/test-ssh-server.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

async function failure(p: Promise<unknown>): Promise<ConnectionError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConnectionError);
  return err as ConnectionError;
}

describe('connection failures map to kinds', () => {
  let fx: TestFixture;
  let silent: Server;
  const held: Socket[] = [];
  beforeAll(async () => {
    fx = await setUpFixture({ password: 'letmein-123' });
    silent = createServer((s) => held.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    for (const s of held) s.destroy();
    await new Promise((r) => silent.close(r));
    await fx.cleanup();
  });

  it('refused: a closed port', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const err = await failure(connectSsh(fx.spec({ port })));
    expect(err.kind).toBe('refused');
    expect(err.message).toBe(`test-host: connection refused by 127.0.0.1:${port}`);
    expect(err.cause).toBeDefined();
  });

  it('dns: a name that cannot exist, without asking a resolver', async () => {
    const err = await failure(connectSsh(fx.spec({ host: 'no-such-host.invalid' })));
    expect(err.kind).toBe('dns');
    expect(err.message).toContain('no-such-host.invalid');
  });

  it('dns: whatever the injected lookup says', async () => {
    const lookup = async (name: string): Promise<string> => {
      throw Object.assign(new Error(`getaddrinfo EAI_AGAIN ${name}`), { code: 'EAI_AGAIN' });
    };
    const err = await failure(connectSsh(fx.spec({ host: 'mesh-01.example' }), { lookup }));
    expect(err.kind).toBe('dns');
  });

  it('timeout: the server accepts TCP but never sends a banner', async () => {
    const port = (silent.address() as AddressInfo).port;
    const started = Date.now();
    const err = await failure(connectSsh(fx.spec({ port, connectTimeoutMs: 700 })));
    const elapsed = Date.now() - started;
    expect(err.kind).toBe('timeout');
    expect(err.message).toBe(`test-host: no SSH connection to 127.0.0.1:${port} within 0.7s`);
    expect(elapsed).toBeGreaterThanOrEqual(600);
    // It gave up: the server would have stayed silent for ever.
    expect(elapsed).toBeLessThan(10_000);
  });

  it('auth: a key the server does not know, listing what was tried', async () => {
    const other = generateKeyPair('ed25519');
    const keyFile = join(fx.dir, 'other_key');
    writeFileSync(keyFile, other.private, { mode: 0o600 });
    const err = await failure(connectSsh(fx.spec({ identityFiles: [keyFile, join(fx.dir, 'missing_key')] })));
    expect(err.kind).toBe('auth');
    expect(err.message).toBe(
      `test-host: authentication as tester to 127.0.0.1:${fx.server.port} failed; tried: key ${keyFile}; ` +
        `not usable: cannot read ${join(fx.dir, 'missing_key')}: ENOENT`,
    );
  });

  it('auth: a wrong password never shows the password', async () => {
    const err = await failure(connectSsh(fx.spec({ identityFiles: [], password: 'wrong-Secret-99' })));
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(/tried: password$/); // the server offers no keyboard-interactive
    expect(err.message).not.toContain('wrong-Secret-99');
  });

  it('password auth works', async () => {
    const conn = await connectSsh(fx.spec({ identityFiles: [], password: 'letmein-123' }));
    expect((await conn.exec('echo hi')).stdout).toBe('hi\n');
    await conn.close();
  });

  it('an encrypted key without TPX_KEY_PASSPHRASE and no terminal says what to set', async () => {
    const enc = generateKeyPair('ed25519', 'open-sesame');
    const keyFile = join(fx.dir, 'enc_key');
    writeFileSync(keyFile, enc.private, { mode: 0o600 });
    const err = await failure(connectSsh(fx.spec({ identityFiles: [keyFile] }), { env: {} }));
    expect(err.kind).toBe('auth');
    expect(err.message).toContain(`${keyFile} is encrypted: set TPX_KEY_PASSPHRASE`);
  });
});
