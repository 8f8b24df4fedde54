import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, mkdirSync, openSync, statSync, chmodSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defaultJournalDir } from '../reporters/journal-paths.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface DebugLogOptions {
  /** For XDG_STATE_HOME and HOME; default process.env. */
  readonly env?: Env;
  readonly now?: Date;
  /** The unguessable part of the name; tests fix it to plant something at the very path. */
  readonly random?: () => string;
}

/**
 * Where internal-error logs go: `debug/` in tpx's private state dir, next to the run
 * journals (`$XDG_STATE_HOME/tpx`, default `~/.local/state/tpx`). A stack trace can name
 * paths, hosts and values; unlike /tmp, nobody else can read or plant anything there.
 */
export function debugLogDir(env: Env = process.env): string {
  return join(dirname(defaultJournalDir(env)), 'debug');
}

/**
 * Writes one internal-error log and returns its path; throws when it cannot. The directory
 * is made 0700 (and must be ours); the file gets a name nobody can guess
 * (`debug-<time>-<random>.log`) and is created exclusively without following a symlink, so
 * nothing planted in advance is ever opened, let alone overwritten.
 */
export function writeDebugLog(text: string, options: DebugLogOptions = {}): string {
  const dir = debugLogDir(options.env);
  ensurePrivateDir(dir);
  const stamp = (options.now ?? new Date())
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const path = join(dir, `debug-${stamp}-${(options.random ?? randomHex)()}.log`);
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    // The umask only ever narrows the mode; this makes it exactly 0600 whatever it is.
    fchmodSync(fd, 0o600);
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return path;
}

function randomHex(): string {
  return randomBytes(8).toString('hex');
}

/**
 * Creates `dir` (and missing parents) mode 0700. An existing one must belong to this user:
 * one made by someone else could be read, or have files swapped in it, by its owner. A
 * directory of ours that is open to others is narrowed to 0700.
 */
function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = statSync(dir);
  if (!st.isDirectory()) throw new Error(`${dir} is not a directory`);
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) throw new Error(`${dir} belongs to another user (uid ${st.uid})`);
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}
