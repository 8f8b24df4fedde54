import type { ExecResult } from '../transport/connection.js';
import { quoteArg } from '../shell/quote.js';

/**
 * The path-state fact: one POSIX sh command that reports a path's type, mode, owner, size,
 * sha256 and link target (GNU stat, with a BSD stat fallback), plus a parser for its output.
 */

export type PathType = 'absent' | 'file' | 'directory' | 'link' | 'other';

export interface PathState {
  readonly type: PathType;
  readonly mode?: number;
  readonly uid?: number;
  readonly user?: string;
  readonly gid?: number;
  readonly group?: string;
  readonly size?: number;
  /** Of a regular file, when asked for. */
  readonly sha256?: string;
  /** Of a symbolic link, when asked for. */
  readonly target?: string;
  /** What the command printed after the state line (file content for --diff). */
  readonly payload: string;
}

export interface PathStateOptions {
  /** Follow a symbolic link to what it points to (a broken link still reads as `link`). */
  readonly follow?: boolean;
  readonly sha256?: boolean;
  readonly readlink?: boolean;
  /** Print a regular file's content after the state line when it is at most this many bytes. */
  readonly contentUpTo?: number;
  /** Shell run when `p` is a regular file that was not opened where it was checked (editedPathRead's `pin` empty). */
  readonly unpinnedFile?: string;
}

const MARKER = 'tpx-stat';

/**
 * The shell script body that reports the state of the path held in shell variable `p`.
 * Prefix it with an assignment, e.g. `p=${quoteArg(path)}; ` — see pathStateCommand. It must
 * come last in a command: it exits early for an absent path.
 */
export function pathStateScript(opts: PathStateOptions = {}): string {
  const typeTest = opts.follow
    ? 'if [ -d "$p" ]; then t=directory; elif [ -f "$p" ]; then t=file; elif [ -e "$p" ]; then t=other; elif [ -L "$p" ]; then t=link; else t=absent; fi'
    : 'if [ -L "$p" ]; then t=link; elif [ -d "$p" ]; then t=directory; elif [ -f "$p" ]; then t=file; elif [ -e "$p" ]; then t=other; else t=absent; fi';
  const parts = [
    typeTest,
    ...(opts.unpinnedFile !== undefined ? [`if [ "$t" = file ] && [ -z "\${pin-}" ]; then ${opts.unpinnedFile}; fi`] : []),
    `if [ "$t" = absent ]; then echo ${MARKER} absent; exit 0; fi`,
    opts.follow ? 'L=; [ "$t" = link ] || L=-L' : 'L=',
    `s=$(stat $L -c '%a %u %U %g %G %s' -- "$p" 2>/dev/null || stat $L -f '%Lp %u %Su %g %Sg %z' -- "$p") || exit 1`,
    'h=-',
  ];
  if (opts.sha256) {
    parts.push('if [ "$t" = file ]; then h=$( (sha256sum || shasum -a 256) < "$p" | cut -d" " -f1); [ -n "$h" ] || h=unreadable; fi');
  }
  parts.push(`echo ${MARKER} "$t" $s "$h"`);
  if (opts.readlink) parts.push('if [ "$t" = link ]; then readlink -- "$p"; fi');
  if (opts.contentUpTo !== undefined) {
    parts.push(`if [ "$t" = file ] && [ "$(wc -c < "$p")" -le ${Math.floor(opts.contentUpTo)} ]; then cat < "$p"; fi`);
  }
  return parts.join('; ');
}

/** A complete command reporting the state of `path`. */
export function pathStateCommand(path: string, opts: PathStateOptions = {}): string {
  return `p=${quoteArg(path)}; ${pathStateScript(opts)}`;
}

/**
 * Parses the fact's output; throws with the command's stderr when it did not report.
 * Lines a login shell may print before ours (a banner from .bashrc) are skipped.
 */
export function parsePathState(result: ExecResult): PathState {
  const out = result.stdout;
  const at = out.startsWith(`${MARKER} `) ? 0 : out.indexOf(`\n${MARKER} `) + 1;
  if (result.rc !== 0 || (at === 0 && !out.startsWith(`${MARKER} `))) {
    const why = result.stderr.trim() || `exit code ${result.rc}`;
    throw new Error(`could not read the state of the path: ${why}`);
  }
  const eol = out.indexOf('\n', at);
  const line = out.slice(at, eol < 0 ? out.length : eol);
  const payload = eol < 0 ? '' : out.slice(eol + 1);
  const f = line.split(' ');
  const type = f[1] as PathType;
  if (type === 'absent') return { type, payload };
  const [mode, uid, user, gid, group, size, hash] = f.slice(2);
  const state: PathState = {
    type,
    mode: parseInt(mode, 8),
    uid: Number(uid),
    user,
    gid: Number(gid),
    group,
    size: Number(size),
    sha256: hash && hash !== '-' ? hash : undefined,
    payload,
  };
  if (type === 'link' && payload !== '') {
    return { ...state, target: payload.endsWith('\n') ? payload.slice(0, -1) : payload, payload: '' };
  }
  return state;
}

/** True when `want` (a name or a numeric id) names the owner or group the state reports. */
export function sameOwner(want: string, name: string | undefined, id: number | undefined): boolean {
  return /^\d+$/.test(want) ? Number(want) === id : want === name;
}
