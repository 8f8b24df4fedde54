import { createHash, randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { lstat, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';

/**
 * The controller side of fetch: where the copy goes, what is there now, and writing it. Host
 * names and paths come from the host and the inventory, so nothing here follows a link or
 * leaves the directory the copy belongs in.
 */

/** A problem that fails the task with this message. */
export class FetchFailure extends Error {}

export const sha1Of = (data: Buffer): string => createHash('sha1').update(data).digest('hex');
export const md5Of = (data: Buffer): string => createHash('md5').update(data).digest('hex');

/** What is at the copy's path now. */
export type LocalState =
  | { readonly kind: 'absent' }
  | { readonly kind: 'file'; readonly sha1: string; readonly md5: string; readonly mode: number }
  | { readonly kind: 'other'; readonly what: 'link' | 'directory' | 'special' };

async function lstatOrNone(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The copy's current state, read without following a link. */
export async function readLocalState(path: string): Promise<LocalState> {
  const st = await lstatOrNone(path);
  if (st === undefined) return { kind: 'absent' };
  if (st.isSymbolicLink()) return { kind: 'other', what: 'link' };
  if (st.isDirectory()) return { kind: 'other', what: 'directory' };
  if (!st.isFile()) return { kind: 'other', what: 'special' };
  const data = await readFile(path, { flag: 'r' });
  return { kind: 'file', sha1: sha1Of(data), md5: md5Of(data), mode: st.mode & 0o7777 };
}

/**
 * Refuses a path that leaves `root` (`..` from a host's path) or passes through a link
 * below it; the components that exist below root must be directories.
 */
export async function checkInside(root: string, path: string): Promise<void> {
  const rel = relative(root, path);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || rel.startsWith(sep)) {
    throw new FetchFailure(`Detected directory traversal, expected to be contained in '${root}' but got '${path}'`);
  }
  let at = root;
  for (const part of dirname(rel) === '.' ? [] : dirname(rel).split(sep)) {
    at = join(at, part);
    const st = await lstatOrNone(at);
    if (st === undefined) return;
    if (st.isSymbolicLink()) throw new FetchFailure(`${at} is a symbolic link; fetch does not follow links on the controller`);
    if (!st.isDirectory()) throw new FetchFailure(`Failed to fetch the file: ${at} is not a directory`);
  }
}

/** Creates the missing directories of `dir` (mode 0777 less the umask, as Ansible's makedirs), refusing links. */
export async function makeDirs(dir: string): Promise<void> {
  const st = await lstatOrNone(dir);
  if (st?.isDirectory()) return;
  if (st?.isSymbolicLink()) throw new FetchFailure(`${dir} is a symbolic link; fetch does not follow links on the controller`);
  if (st !== undefined) throw new FetchFailure(`Failed to fetch the file: ${dir} is not a directory`);
  await makeDirs(dirname(dir));
  try {
    await mkdir(dir, 0o777);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const again = await lstat(dir);
    if (!again.isDirectory()) throw new FetchFailure(`Failed to fetch the file: ${dir} is not a directory`);
  }
}

/**
 * Writes `data` at `path` through a new file of its own beside it (O_EXCL, so never through a
 * link), renamed into place. The mode is Ansible's: an existing file's, else 0666 less the umask.
 */
export async function writeCopy(path: string, data: Buffer, mode: number | undefined): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tpx-fetch`);
  const handle = await open(temp, 'wx', 0o666);
  try {
    await handle.writeFile(data);
    if (mode !== undefined) await handle.chmod(mode);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
