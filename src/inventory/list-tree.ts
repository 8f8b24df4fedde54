import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compareCodePoints } from './compare.js';

/** What an entry is, by following links: a directory, anything else, or nothing (a dangling link). */
export type EntryKind = 'dir' | 'file' | 'missing';

/**
 * The files under `dir`, recursively, in name order (Python's sorted(os.listdir), as Ansible
 * lists inventory and vars directories): `pick` says for each entry whether to descend into
 * it, keep it, or skip it. A directory reached twice (a symlink loop) is read once.
 */
export function listTree(dir: string, pick: (name: string, kind: EntryKind) => 'descend' | 'keep' | 'skip', seen = new Set<string>()): string[] {
  const out: string[] = [];
  const real = realpathSync(dir);
  if (seen.has(real)) return out;
  seen.add(real);
  for (const name of readdirSync(dir).sort(compareCodePoints)) {
    const path = join(dir, name);
    const choice = pick(name, kindOf(path));
    if (choice === 'descend') out.push(...listTree(path, pick, seen));
    else if (choice === 'keep') out.push(path);
  }
  return out;
}

function kindOf(path: string): EntryKind {
  try {
    return statSync(path).isDirectory() ? 'dir' : 'file';
  } catch {
    return 'missing';
  }
}
