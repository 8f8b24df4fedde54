import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';

/** Where uploads wait on the host before they run or unpack. */
export const REMOTE_TMP_DIR = '/tmp';

/**
 * A fresh, unguessable path for an upload (`/tmp/.tpx-<32 hex>-<name>`): 128 random bits,
 * so nobody can place a file or link there beforehand. The name keeps the file's extension.
 */
export function remoteTempPath(localName: string): string {
  const name = posix.basename(localName).replace(/[^A-Za-z0-9._-]/g, '_').slice(-60);
  return `${REMOTE_TMP_DIR}/.tpx-${randomBytes(16).toString('hex')}-${name}`;
}
