import { lstatSync, readdirSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultJournalDir, readJournalHeader } from './journal-paths.js';

/** How many journals of one playbook a run keeps by default (`TPX_KEEP_JOURNALS`, 0: all). */
export const DEFAULT_KEEP_JOURNALS = 20;

/**
 * `TPX_KEEP_JOURNALS` as a count: unset → the default, `0` → keep every journal. Anything
 * else is a mistake the caller reports.
 */
export function keepJournalsSetting(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_KEEP_JOURNALS;
  if (!/^\d+$/.test(value)) throw new Error(`TPX_KEEP_JOURNALS must be a whole number (0 keeps every journal), got "${value}"`);
  return Number(value);
}

/**
 * Removes the oldest run journals in `dir`, keeping the newest `keep` of each playbook (of
 * `playbook` only, when given) and never one in `protect` (the run's own). Only regular files
 * named `*.jsonl` that start with a tpx journal header are touched; a link is never followed
 * (and never removed). Returns the paths removed. `keep` 0 removes nothing.
 */
export function pruneJournals(options: { dir?: string; keep: number; playbook?: string; protect?: readonly string[] }): string[] {
  const { keep } = options;
  if (keep <= 0) return [];
  const dir = options.dir ?? defaultJournalDir();
  const protect = new Set((options.protect ?? []).map((p) => resolve(p)));
  const wanted = options.playbook === undefined ? undefined : resolve(options.playbook);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.jsonl'));
  } catch {
    return [];
  }
  const byPlaybook = new Map<string, { path: string; mtime: number }[]>();
  for (const name of names) {
    const path = join(dir, name);
    let mtime: number;
    try {
      const st = lstatSync(path);
      if (!st.isFile()) continue;
      mtime = st.mtimeMs;
    } catch {
      continue;
    }
    const header = readJournalHeader(path);
    if (!header || (wanted !== undefined && header.playbook !== wanted)) continue;
    const list = byPlaybook.get(header.playbook) ?? [];
    list.push({ path, mtime });
    byPlaybook.set(header.playbook, list);
  }
  const removed: string[] = [];
  for (const list of byPlaybook.values()) {
    list.sort((a, b) => b.mtime - a.mtime);
    for (const { path } of list.slice(keep)) {
      if (protect.has(resolve(path))) continue;
      try {
        unlinkSync(path);
        removed.push(path);
      } catch {
        // Gone already, or not ours to remove: the next run tries again.
      }
    }
  }
  return removed;
}
