import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionSpec } from '../../../../src/transport/connection.js';
import { generateKeyPair, startTestSshServer, type TestServerOptions, type TestSshServer } from './test-ssh-server.js';

/** A test server plus a client key it accepts and a known_hosts file that knows it. */
export interface TestFixture {
  readonly server: TestSshServer;
  readonly dir: string;
  readonly keyFile: string;
  readonly knownHostsFile: string;
  spec(overrides?: Partial<ConnectionSpec>): ConnectionSpec;
  cleanup(): Promise<void>;
}

export async function setUpFixture(options: TestServerOptions = {}): Promise<TestFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'tpx-client-'));
  const pair = generateKeyPair('ed25519');
  const keyFile = join(dir, 'id_ed25519');
  writeFileSync(keyFile, pair.private, { mode: 0o600 });
  const server = await startTestSshServer({ authorizedKey: pair.public, ...options });
  const knownHostsFile = join(dir, 'known_hosts');
  writeFileSync(knownHostsFile, `[127.0.0.1]:${server.port} ${server.hostPublicKey}\n`);
  return {
    server,
    dir,
    keyFile,
    knownHostsFile,
    spec: (overrides = {}) => ({
      name: 'test-host',
      host: '127.0.0.1',
      port: server.port,
      user: 'tester',
      identityFiles: [keyFile],
      proxyJump: [],
      knownHostsFile,
      hostKeyChecking: 'strict',
      connectTimeoutMs: 5_000,
      ...overrides,
    }),
    cleanup: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
