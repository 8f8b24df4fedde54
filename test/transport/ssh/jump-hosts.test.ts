import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError } from '../../../src/errors/connection-error.js';
import { connectSsh } from '../../../src/transport/ssh/connect-ssh.js';
import { parseJumpHost } from '../../../src/transport/ssh/jump-host.js';
import { setUpFixture, type TestFixture } from './support/client-setup.js';
import { startTestSshServer, type TestSshServer } from './support/test-ssh-server.js';
import ssh2 from 'ssh2';

describe('parseJumpHost', () => {
  it.each([
    ['ops@bastion:2222', { user: 'ops', host: 'bastion', port: 2222 }],
    ['bastion', { user: 'me', host: 'bastion', port: 22 }],
    ['ops@[::1]:2200', { user: 'ops', host: '::1', port: 2200 }],
  ])('%s', (value, expected) => expect(parseJumpHost(value, 'me')).toEqual(expected));
  it('rejects a bad port', () => expect(() => parseJumpHost('a@b:99999', 'me')).toThrow(/bad port/));
});

describe('a chain of two jump hosts', () => {
  let target: TestFixture;
  let hop1: TestSshServer;
  let hop2: TestSshServer;
  beforeAll(async () => {
    target = await setUpFixture();
    const pub = readPublic(target.keyFile);
    hop1 = await startTestSshServer({ authorizedKey: pub });
    hop2 = await startTestSshServer({ authorizedKey: pub });
    writeFileSync(target.knownHostsFile, [target.server, hop1, hop2].map((s) => `[127.0.0.1]:${s.port} ${s.hostPublicKey}`).join('\n') + '\n');
  });
  afterAll(async () => {
    await hop1?.close();
    await hop2?.close();
    await target?.cleanup();
  });

  it('reaches the target through both hops on one connection', async () => {
    const conn = await connectSsh(target.spec({ proxyJump: [`tester@127.0.0.1:${hop1.port}`, `tester@127.0.0.1:${hop2.port}`] }));
    const results = await Promise.all([conn.exec('echo a'), conn.exec('echo b')]);
    expect(results.map((r) => r.stdout)).toEqual(['a\n', 'b\n']);
    await conn.close();
  });

  it('names the hop whose host key is refused', async () => {
    writeFileSync(target.knownHostsFile, `[127.0.0.1]:${hop1.port} ${hop1.hostPublicKey}\n[127.0.0.1]:${target.server.port} ${target.server.hostPublicKey}\n`);
    const err = (await connectSsh(target.spec({ proxyJump: [`tester@127.0.0.1:${hop1.port}`, `tester@127.0.0.1:${hop2.port}`] })).catch(
      (e: unknown) => e,
    )) as ConnectionError;
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err.kind).toBe('host-key');
    expect(err.message).toMatch(
      new RegExp(`^test-host \\(jump host tester@127\\.0\\.0\\.1:${hop2.port}\\): host key for \\[127\\.0\\.0\\.1\\]:${hop2.port} is not known`),
    );
  });

  it('says when the last hop cannot reach the target', async () => {
    writeFileSync(target.knownHostsFile, `[127.0.0.1]:${hop1.port} ${hop1.hostPublicKey}\n`);
    const err = (await connectSsh(target.spec({ port: 1, proxyJump: [`tester@127.0.0.1:${hop1.port}`] })).catch((e: unknown) => e)) as ConnectionError;
    expect(err.kind).toBe('refused');
    expect(err.message).toMatch(/^test-host: the previous hop could not connect to 127\.0\.0\.1:1: /);
  });
});

function readPublic(privateKeyFile: string): string {
  const parsed = ssh2.utils.parseKey(readFileSync(privateKeyFile)) as ssh2.ParsedKey;
  return `${parsed.type} ${parsed.getPublicSSH().toString('base64')}`;
}
