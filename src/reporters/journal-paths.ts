import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SecretMasker } from '../errors/mask-secrets.js';

/**
 * Where run journals live: `$XDG_STATE_HOME/tpx/runs` (default `~/.local/state/tpx/runs`),
 * one `<run id>.jsonl` per run id (a `--retry-failed` that reuses the id appends to it).
 */
export function defaultJournalDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const state = env.XDG_STATE_HOME?.startsWith('/') ? env.XDG_STATE_HOME : join(env.HOME || homedir(), '.local', 'state');
  return join(state, 'tpx', 'runs');
}

/** The journal of a run id in the default directory. */
export function journalPathFor(runId: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  return join(defaultJournalDir(env), `${runId}.jsonl`);
}

/** The journal written beside `--report FILE`: `FILE.journal`. */
export function reportJournalPath(reportFile: string): string {
  return `${reportFile}.journal`;
}

/** The first line of a journal: what it is a journal of. */
export interface JournalHeader {
  readonly type: 'journal';
  readonly version: 1;
  readonly run_id: string;
  /** The playbook file, absolute. */
  readonly playbook: string;
  /** The inventory files, absolute (absent in journals of tpx before they were recorded). */
  readonly inventories?: readonly string[];
  readonly started: string;
  readonly pid: number;
  readonly controller: string;
}

/** The header of a journal file, or null when the file does not start with one. */
export function readJournalHeader(path: string): JournalHeader | null {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const first = buf.subarray(0, n).toString('utf8').split('\n')[0];
    const header = JSON.parse(first) as Partial<JournalHeader>;
    return header.type === 'journal' && typeof header.run_id === 'string' && typeof header.playbook === 'string' ? (header as JournalHeader) : null;
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The most recently written journal in `dir` of runs of this playbook, or null. */
export function findNewestJournal(playbookFile: string, dir: string = defaultJournalDir(), inventories?: readonly string[]): string | null {
  const wanted = resolve(playbookFile);
  // The same inventory files too, when the journal names them: a run of the same playbook on
  // another fleet is not the one to resume.
  const fleet = inventories?.map((f) => resolve(f)).join('\n');
  const sameFleet = (h: JournalHeader): boolean => fleet === undefined || h.inventories === undefined || h.inventories.join('\n') === fleet;
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.jsonl'));
  } catch {
    return null;
  }
  let best: { path: string; mtime: number } | null = null;
  for (const name of names) {
    const path = join(dir, name);
    let mtime: number;
    try {
      mtime = statSync(path).mtimeMs;
    } catch {
      continue;
    }
    if (best && mtime <= best.mtime) continue;
    const header = readJournalHeader(path);
    if (header?.playbook === wanted && sameFleet(header)) best = { path, mtime };
  }
  return best?.path ?? null;
}

/** Where a journal goes and what it is of. */
export interface JournalOptions {
  /** Files to append to (created mode 0600, their directory 0700 when new). */
  readonly paths: readonly string[];
  /** Truncate instead of appending (a `--report FILE.journal` of a new run). */
  readonly truncate?: readonly string[];
  readonly runId: string;
  readonly playbook: string;
  /** The inventory files of the run, recorded so that --retry-failed finds a run of the same fleet. */
  readonly inventories?: readonly string[];
  readonly masker?: SecretMasker;
  /** Told once when a journal cannot be written; the run goes on. */
  readonly onError?: (message: string) => void;
  readonly now?: () => Date;
  /** The background sync (`fs.fdatasync`); injectable so tests can watch it. */
  readonly syncFile?: (fd: number, done: () => void) => void;
}
