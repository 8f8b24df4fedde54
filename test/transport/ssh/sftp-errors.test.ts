import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError } from '../../../src/errors/connection-error.js';
import { TransferError } from '../../../src/errors/transfer-error.js';
import { connectSsh } from '../../../src/transport/ssh/connect-ssh.js';
import type { SshConnection } from '../../../src/transport/ssh/ssh-connection.js';
import { sshdSpec, startSshd, type SshdFixture } from '../support/sshd-fixture.js';

/** SFTP failures on a live connection are the file's problem (TransferError), not a lost host. */
describe('file transfer errors against real OpenSSH sshd', () => {
  let sshd: SshdFixture;
  let work: string;
  let conn: SshConnection;

  beforeAll(async () => {
    sshd = await startSshd();
    work = mkdtempSync(join(tmpdir(), 'tpx-sftp-errors-'));
    const knownHosts = join(work, 'known_hosts');
    writeFileSync(knownHosts, sshd.knownHostsLines.join('\n') + '\n');
    conn = await connectSsh(sshdSpec(sshd, 'sftp-1', knownHosts));
  });
  afterAll(async () => {
    await conn?.close();
    await sshd?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const failure = async (p: Promise<unknown>): Promise<Error> => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    return err as Error;
  };

  it.each([
    ['a missing directory', () => conn.put('x', join(work, 'no-such-dir', 'f')), /uploading .*no-such-dir\/f failed: No such file/],
    ['a read-only place', () => conn.put('x', '/proc/tpx-test-file'), /uploading \/proc\/tpx-test-file failed: /],
    [
      'an unknown owner (install through sudo)',
      () => conn.put('x', join(work, 'owned'), { owner: 'no-such-user-tpx' }),
      /cannot install .*owned: .*no-such-user-tpx/,
    ],
    ['reading a directory', () => conn.get(work), /downloading .* failed: /],
  ])('%s: TransferError naming host and path; the connection stays usable', async (_what, attempt, message) => {
    const err = await failure(attempt());
    expect(err).toBeInstanceOf(TransferError);
    expect(err).not.toBeInstanceOf(ConnectionError);
    expect(err.message).toMatch(/^sftp-1: /);
    expect(err.message).toMatch(message);
    expect(conn.isClosed()).toBe(false);
    expect((await conn.exec('echo still-here')).stdout).toBe('still-here\n');
  });
});
