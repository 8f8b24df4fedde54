import { createHash } from 'node:crypto';

const hashes = new WeakMap<Buffer, string>();

/**
 * The sha256 (hex) of some content, computed once per Buffer: a local file read once for
 * all hosts (see readLocalFile) is hashed once too.
 */
export function sha256Of(content: Buffer): string {
  let hash = hashes.get(content);
  if (hash === undefined) {
    hash = createHash('sha256').update(content).digest('hex');
    hashes.set(content, hash);
  }
  return hash;
}
