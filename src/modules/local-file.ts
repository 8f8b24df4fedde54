import { readFile, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { PlanContext } from './module.js';

/** A file on the controller that a module uploads (copy src, script, unarchive src). */
export interface LocalFile {
  readonly path: string;
  readonly content: Buffer;
  /** Permission bits of the local file. */
  readonly mode: number;
}

/** A file read once per process while its size, mtime and inode stay the same. */
interface CachedRead {
  readonly key: string;
  readonly file: Promise<LocalFile>;
}

const reads = new Map<string, CachedRead>();
/** Stats in flight: hosts planning at once share one stat per path. */
const statting = new Map<string, Promise<Stats | undefined>>();

function statShared(path: string): Promise<Stats | undefined> {
  let pending = statting.get(path);
  if (!pending) {
    pending = stat(path).then(
      (st) => st,
      () => undefined,
    );
    statting.set(path, pending);
    void pending.finally(() => statting.delete(path));
  }
  return pending;
}

/**
 * A file modified this recently is read every time: a change within the file system's
 * timestamp granularity could keep its size and mtime (git's "racily clean" problem).
 */
const SETTLED_MS = 2_000;

function readCached(path: string, st: Stats): Promise<LocalFile> {
  if (Date.now() - st.mtimeMs < SETTLED_MS) return readFile(path).then((content) => ({ path, content, mode: st.mode & 0o7777 }));
  const key = `${st.size}:${st.mtimeMs}:${st.ino}:${st.mode}`;
  const hit = reads.get(path);
  if (hit && hit.key === key) return hit.file;
  const file = readFile(path).then((content) => ({ path, content, mode: st.mode & 0o7777 }));
  reads.set(path, { key, file });
  // A failed read is not kept: the next host tries again.
  file.catch(() => {
    if (reads.get(path)?.file === file) reads.delete(path);
  });
  return file;
}

/**
 * Finds a local file as Ansible does: an absolute path as is; a relative one, for a task of
 * a role, in the role's `files/` folder and the role's directory, then in the playbook's
 * directory and its `files/` folder (`templates/` for the template module). Throws an Error naming every place
 * looked at when it is not found, or when it is a directory. The content is read once per
 * process for as long as the file's size, mtime, inode and mode do not change (200 hosts
 * uploading the same package read it once; a file changed in the last 2 s is read each time); the Buffer is shared, so callers must not modify it.
 */
export async function readLocalFile(src: string, where: Pick<PlanContext, 'playbookDir' | 'roleDir'>, folder = 'files'): Promise<LocalFile> {
  const { playbookDir, roleDir } = where;
  const inRole = roleDir === undefined ? [] : [join(roleDir, folder, src), join(roleDir, src)];
  const candidates = isAbsolute(src) ? [src] : [...inRole, join(playbookDir, src), join(playbookDir, folder, src)];
  for (const path of candidates) {
    const st = await statShared(path);
    if (!st) continue;
    if (st.isDirectory()) throw new Error(`'${path}' is a directory; only files are supported`);
    return readCached(path, st);
  }
  throw new Error(`could not find '${src}' (looked in ${candidates.join(', ')})`);
}
