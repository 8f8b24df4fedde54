import { ExitCode, TpxError } from './tpx-error.js';

/**
 * Uploading or downloading a file failed on a live connection (SFTP "Permission denied",
 * a missing directory, `install` refusing an owner): the task fails, the host stays
 * reachable. A connection that broke meanwhile is a ConnectionError of kind `closed` instead.
 */
export class TransferError extends TpxError {
  readonly host: string;
  readonly path: string;

  constructor(host: string, path: string, message: string, options: { cause?: unknown } = {}) {
    super('transfer', message, { cause: options.cause, exitCode: ExitCode.hostsFailed });
    this.host = host;
    this.path = path;
  }
}
