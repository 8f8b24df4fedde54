import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';

/** A file on the controller that a module uploads (copy src, script, unarchive src). */
export interface LocalFile {
  readonly path: string;
  readonly content: Buffer;
  /** Permission bits of the local file. */
  readonly mode: number;
}

/**
 * Finds a local file as Ansible does: an absolute path as is; a relative one in the
 * playbook's directory, then in its `files/` folder. Throws an Error naming every place
 * looked at when it is not found, or when it is a directory.
 */
export async function readLocalFile(src: string, playbookDir: string): Promise<LocalFile> {
  const candidates = isAbsolute(src) ? [src] : [join(playbookDir, src), join(playbookDir, 'files', src)];
  for (const path of candidates) {
    const st = await stat(path).catch(() => undefined);
    if (!st) continue;
    if (st.isDirectory()) throw new Error(`'${path}' is a directory; only files are supported`);
    return { path, content: await readFile(path), mode: st.mode & 0o7777 };
  }
  throw new Error(`could not find '${src}' (looked in ${candidates.join(', ')})`);
}
