import { createHmac } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError } from '../../../src/errors/connection-error.js';
import { connectSsh } from '../../../src/transport/ssh/connect-ssh.js';
import { formatFingerprint } from '../../../src/transport/ssh/host-key-info.js';
import { setUpFixture, type TestFixture } from './support/client-setup.js';
import { generateKeyPair } from './support/test-ssh-server.js';
import ssh2 from 'ssh2';

function hashed(name: string): string {
  const salt = Buffer.from('salty-salt-salty-sal');
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

function otherEd25519(): string {
  const parsed = ssh2.utils.parseKey(generateKeyPair('ed25519').public) as ssh2.ParsedKey;
  return `ssh-ed25519 ${parsed.getPublicSSH().toString('base64')}`;
}

/** The fingerprint of a known_hosts key (`type base64`). */
function fingerprintOf(line: string): string {
  return formatFingerprint(Buffer.from(line.split(' ')[1], 'base64'));
}

async function outcome(p: Promise<{ close(): Promise<void> }>): Promise<ConnectionError | 'connected'> {
  try {
    const conn = await p;
    await conn.close();
    return 'connected';
  } catch (err) {
    return err as ConnectionError;
  }
}

describe('host key checking', () => {
  let fx: TestFixture;
  let name: string;
  let fingerprint: string;
  beforeAll(async () => {
    fx = await setUpFixture();
    name = `[127.0.0.1]:${fx.server.port}`;
    fingerprint = formatFingerprint(fx.server.hostKey.getPublicSSH());
  });
  afterAll(async () => fx?.cleanup());

  const write = (lines: string[]): void => writeFileSync(fx.knownHostsFile, lines.join('\n') + '\n');

  it('strict: accepts a hashed [host]:port entry among several keys for the host', async () => {
    write(['# fleet', `${hashed(name)} ${otherEd25519()}`, `${hashed(name)} ${fx.server.hostPublicKey}`]);
    expect(await outcome(connectSsh(fx.spec()))).toBe('connected');
  });

  it('strict: refuses an unknown host', async () => {
    write([`[127.0.0.1]:1 ${fx.server.hostPublicKey}`]);
    const err = await outcome(connectSsh(fx.spec()));
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).kind).toBe('host-key');
    expect((err as ConnectionError).message).toBe(
      `test-host: host key for ${name} is not known (ED25519 key ${fingerprint}) and host_key_checking is strict: ` +
        `add it to ${fx.knownHostsFile} or set host_key_checking: accept-new`,
    );
  });

  it('strict: refuses a changed key like OpenSSH, naming the known_hosts line and both fingerprints', async () => {
    const other = otherEd25519();
    write(['# fleet', '', `${name} ${other}`]);
    const err = (await outcome(connectSsh(fx.spec()))) as ConnectionError;
    expect(err.kind).toBe('host-key');
    expect(err.message).toBe(
      `test-host: host key for ${name} has changed: got ED25519 key ${fingerprint}, but ${fx.knownHostsFile}:3 has ED25519 key ${fingerprintOf(other)}`,
    );
  });

  it('accept-new: appends an unknown host once, then it is known', async () => {
    write(['# empty']);
    const results = await Promise.all([1, 2, 3].map(() => outcome(connectSsh(fx.spec({ hostKeyChecking: 'accept-new' })))));
    expect(results).toEqual(['connected', 'connected', 'connected']);
    const text = readFileSync(fx.knownHostsFile, 'utf8');
    expect(text).toBe(`# empty\n${name} ${fx.server.hostPublicKey}\n`);
    expect(await outcome(connectSsh(fx.spec({ hostKeyChecking: 'strict' })))).toBe('connected');
  });

  it('accept-new: still refuses a changed key', async () => {
    write([`${name} ${otherEd25519()}`]);
    const err = (await outcome(connectSsh(fx.spec({ hostKeyChecking: 'accept-new' })))) as ConnectionError;
    expect(err.kind).toBe('host-key');
    expect(err.message).toContain('has changed');
    expect(readFileSync(fx.knownHostsFile, 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('refuses a key marked @revoked even when it is also listed', async () => {
    write([`${name} ${fx.server.hostPublicKey}`, `@revoked * ${fx.server.hostPublicKey}`]);
    const err = (await outcome(connectSsh(fx.spec()))) as ConnectionError;
    expect(err.kind).toBe('host-key');
    expect(err.message).toContain(`is marked @revoked in ${fx.knownHostsFile}:2`);
  });

  it('off: connects whatever the file says, but warns of a changed key with the line and both fingerprints', async () => {
    const other = otherEd25519();
    write(['# fleet', `${name} ${other}`]);
    const warnings: string[] = [];
    expect(await outcome(connectSsh(fx.spec({ hostKeyChecking: 'off' }), { onWarning: (m) => warnings.push(m) }))).toBe('connected');
    expect(warnings).toEqual([
      `host key for ${name} has changed: got ED25519 key ${fingerprint}, but ${fx.knownHostsFile}:2 has ED25519 key ${fingerprintOf(other)}; ` +
        'connecting anyway because host_key_checking is off',
    ]);
  });

  it('off: warns of a revoked key and connects', async () => {
    write([`@revoked ${name} ${fx.server.hostPublicKey}`]);
    const warnings: string[] = [];
    expect(await outcome(connectSsh(fx.spec({ hostKeyChecking: 'off' }), { onWarning: (m) => warnings.push(m) }))).toBe('connected');
    expect(warnings).toEqual([
      `host key for ${name} is revoked: ED25519 key ${fingerprint} is marked @revoked in ${fx.knownHostsFile}:1; connecting anyway because host_key_checking is off`,
    ]);
  });

  it('off: says nothing when the key is known, unknown, or known_hosts cannot be read', async () => {
    const warnings: string[] = [];
    const connect = (overrides = {}) => outcome(connectSsh(fx.spec({ hostKeyChecking: 'off', ...overrides }), { onWarning: (m) => warnings.push(m) }));
    write([`${name} ${fx.server.hostPublicKey}`]);
    expect(await connect()).toBe('connected');
    write([`[127.0.0.1]:1 ${otherEd25519()}`]);
    expect(await connect()).toBe('connected');
    expect(await connect({ knownHostsFile: fx.dir })).toBe('connected');
    expect(warnings).toEqual([]);
    // Nothing was added to the file: off never learns keys.
    expect(readFileSync(fx.knownHostsFile, 'utf8')).not.toContain(fx.server.hostPublicKey);
  });
});
