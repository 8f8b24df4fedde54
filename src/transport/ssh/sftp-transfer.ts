import { posix } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import { ConnectionError } from '../../errors/connection-error.js';
import { TransferError } from '../../errors/transfer-error.js';
import type { PutOptions } from '../connection.js';
import { runRemoteCommand } from './exec-channel.js';
import { openChannel, type ChannelHost } from './open-channel.js';
import { createToken } from './remote-command.js';
import { quoteArg } from '../../shell/quote.js';

const NO_SUCH_FILE = 2;
const DEFAULT_MODE = 0o644;

/** Runs `work` on an SFTP session that holds one channel slot and is closed afterwards. */
async function withSftp<T>(host: ChannelHost, what: string, work: (sftp: SFTPWrapper) => Promise<T>): Promise<T> {
  const release = await host.limiter.acquire();
  try {
    const sftp = await openChannel<SFTPWrapper>(host, what, (cb) => host.client.sftp(cb));
    try {
      return await work(sftp);
    } finally {
      sftp.end();
    }
  } finally {
    release();
  }
}

function call<T = void>(fn: (cb: (err: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value as T))));
}

/**
 * Writes a file. Without become or owner: SFTP to a temporary name beside the target,
 * chmod, then an atomic rename. With either: SFTP to /tmp, then one `install -m MODE
 * -o OWNER` through sudo that also removes the temporary file.
 */
export async function putFile(host: ChannelHost, content: string | Buffer, remotePath: string, options: PutOptions = {}): Promise<void> {
  const data = typeof content === 'string' ? Buffer.from(content) : content;
  const mode = options.mode ?? DEFAULT_MODE;
  const what = `uploading ${remotePath}`;
  if (!options.become && !options.owner) {
    const temp = posix.join(posix.dirname(remotePath), `.${posix.basename(remotePath)}.${createToken('tpx-')}`);
    await withSftp(host, what, async (sftp) => {
      await call((cb) => sftp.writeFile(temp, data, { mode: 0o600 }, cb)).catch((err) => failTransfer(host, what, err, remotePath));
      try {
        await call((cb) => sftp.chmod(temp, mode, cb));
        await call((cb) => sftp.ext_openssh_rename(temp, remotePath, cb));
      } catch (err) {
        await call((cb) => sftp.unlink(temp, cb)).catch(() => undefined);
        failTransfer(host, what, err, remotePath);
      }
    });
    return;
  }

  const becomeUser = options.becomeUser ?? 'root';
  // Staged in the login user's home (always writable, private) when root installs it; a
  // become user other than root may not enter that home, so then /tmp, readable by it.
  const stagedMode = becomeUser === 'root' ? 0o600 : 0o644;
  const temp = await withSftp(host, what, async (sftp) => {
    const dir = becomeUser === 'root' ? await call<string>((cb) => sftp.realpath('.', cb)) : '/tmp';
    const path = posix.join(dir, `.${createToken('tpx-put-')}`);
    await call((cb) => sftp.writeFile(path, data, { mode: stagedMode }, cb));
    return path;
  }).catch((err) => failTransfer(host, what, err, remotePath));
  const [owner, group] = (options.owner ?? '').split(':');
  const install = [
    'install',
    '-m',
    mode.toString(8).padStart(4, '0'),
    ...(owner ? ['-o', quoteArg(owner)] : []),
    ...(group ? ['-g', quoteArg(group)] : []),
    quoteArg(temp),
    quoteArg(remotePath),
  ].join(' ');
  const result = await runRemoteCommand(host, `${install}; rc=$?; rm -f ${quoteArg(temp)}; exit $rc`, { become: true, becomeUser });
  if (result.rc !== 0) {
    await runRemoteCommand(host, `rm -f ${quoteArg(temp)}`).catch(() => undefined);
    throw new TransferError(host.name, remotePath, `${host.name}: cannot install ${remotePath}: ${result.stderr.trim() || `exit ${result.rc}`}`);
  }
}

/** Reads a file over SFTP; null when it does not exist. */
export async function getFile(host: ChannelHost, remotePath: string): Promise<Buffer | null> {
  const what = `downloading ${remotePath}`;
  return withSftp(host, what, async (sftp) => {
    try {
      return await call<Buffer>((cb) => sftp.readFile(remotePath, cb));
    } catch (err) {
      if ((err as { code?: number }).code === NO_SUCH_FILE) return null;
      return failTransfer(host, what, err, remotePath);
    }
  });
}

/**
 * A connection that closed is a ConnectionError (`closed`); any other SFTP failure on a live
 * connection ("Permission denied", "No such file") is the file's problem: a TransferError.
 */
function failTransfer(host: ChannelHost, what: string, err: unknown, remotePath: string): never {
  if (err instanceof ConnectionError) throw err;
  const message = `${host.name}: ${what} failed: ${(err as Error).message}`;
  if (host.isClosed()) throw new ConnectionError(host.name, 'closed', message, { cause: err });
  throw new TransferError(host.name, remotePath, message, { cause: err });
}
