import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { TpxError } from '../errors/tpx-error.js';

/**
 * Writes a file atomically with mode 0600: a temporary file in the same directory,
 * fsync, then rename over the target. A reader never sees half a report, and a report
 * that may hold command output is readable by its owner only.
 */
export async function writePrivateFile(path: string, content: string): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    // The umask may have narrowed the mode; make sure it is exactly 0600.
    await chmod(tmp, 0o600);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new TpxError('report-write', `cannot write ${path}: ${reason}`, { cause: error });
  }
}
