import { posix } from 'node:path';
import { formatMode } from './file-mode.js';
import { quoteArg, quotePathOperand } from '../shell/quote.js';
import type { PathState } from './path-state.js';

/** What a written file ends up as. */
export interface WrittenFile {
  readonly mode: number;
  /** `user` or `user:group`. */
  readonly owner?: string;
  /** The group alone (chgrp), when no owner is given. */
  readonly group?: string;
  /** `owner` is the replaced file's own (kept), not one the task asked for. */
  readonly keptOwner?: boolean;
}

/**
 * A command that writes a file atomically in one go: what `source` prints (by default
 * `cat`, i.e. the command's stdin) goes to a new file of its own beside `dest`, which gets its
 * owner, then its mode, and is renamed over dest. With `validate` (a command reading the
 * temporary file as "$t"), a file it refuses is never moved into place. On any failure the
 * temporary file is removed and the failing step's exit code kept.
 *
 * Hostile ground (dest's directory may be another user's, e.g. a home directory written as
 * root): the temporary file is created exclusively under a random name (`set -C`: O_EXCL, so
 * never through a link) and held open; it is written, chowned and chmodded through that open
 * file (/proc/self/fd/3), never by its name, which the directory's owner could have pointed
 * elsewhere by then. The rename does not follow a link at dest either. In a world-writable
 * directory (/tmp) an existing dest another user may have put there (not ours, nor the
 * directory owner's, nor the owner the task asks for) is refused, as get_url refuses it: it
 * would hand that user the new content, with the owner and mode they chose.
 * Nor can a link or directory on the way to dest choose where it goes (enterDirectory): the
 * command first moves into dest's directory, and does all of the above there by relative
 * names. `source` still runs in the directory the command started in; `validate` runs in
 * dest's, where "$t" names the new file (./.tpx-…).
 * Runs in a subshell, so the umask, `set` and the directory change do not leak into what
 * follows. Uses variables t, f, rc, n, u and those of enterDirectory.
 */
export function writeFileCommand(dest: string, file: WrittenFile, source = 'cat', validate?: string): string {
  const entry = `./${posix.basename(dest)}`;
  // A source other than stdin runs where the command started: `cat < "$s"` may name a relative path.
  const steps = [`${source === 'cat' ? source : `(cd -P -- "$o" && ${source})`} >&3`];
  // Ansible's message for a validation that fails; the file is not replaced.
  if (validate !== undefined) steps.push(`{ ${validate} || { rc=$?; echo "failed to validate: rc:$rc" >&2; (exit $rc); }; }`);
  if (file.owner !== undefined) steps.push(`chown -- ${quoteArg(file.owner)} "$f"`);
  else if (file.group !== undefined) steps.push(`chgrp -- ${quoteArg(file.group)} "$f"`);
  steps.push(`chmod ${formatMode(file.mode)} "$f"`, `mv -f -- "$t" ${quoteArg(entry)}`);
  const asked = file.owner !== undefined && !file.keptOwner ? file.owner.split(':')[0] : undefined;
  return (
    `(${enterDirectory(posix.dirname(dest), dest)}${untrustedEntryCheck(quoteArg(entry), '.', quoteArg(dest), asked)}` +
    `${exclusiveTempIn('.', 3, 't', 'f')}; ${steps.join(' && ')} || { rc=$?; rm -f -- "$t"; exit $rc; })`
  );
}

/** What a directory on the way to a file root writes, that another user could change, is refused with. */
const UNTRUSTED_WAY_WHY = ': another user could choose where root writes';

/**
 * Shell (ending in `;`) that makes directory `dir` the current one, or exits (1 and a message
 * naming `shown` on stderr; a directory that does not exist: cd's message and status). `dir`
 * is first resolved component by component, following a symbolic link on the way only when
 * it belongs to root, to us or to the login user (sudo's SUDO_UID), up to 40 of them: another
 * user's link, even in a directory of theirs, would choose where root writes (a link to /etc
 * in /tmp). Then `cd -P` to it must land in that very directory: if not, a directory on the
 * way (another user's) was swapped for a link meanwhile. From there on the current directory
 * is the checked one, whatever happens to the path, so every later step names files
 * relatively. The directory the command started in stays in variable o. Uses variables o, r,
 * w, c, k, l, me, lu and the positional parameters.
 */
function enterDirectory(dir: string, shown: string): string {
  const refuse = (shell: string, todo: string): string => `echo ${quoteArg(`${shown}: `)}${shell}${quoteArg(`${UNTRUSTED_WAY_WHY}; ${todo}`)} >&2; exit 1`;
  // r is the real path resolved so far ('' for /), w what is left to walk.
  const start = dir.startsWith('/') ? 'r=; ' : `[ -n "$o" ] || exit 1; r=\${o%/}; `;
  return (
    `set -f; o=$(pwd -P); ${start}w=${quoteArg(dir)}; k=0; me=$(id -u); lu=\${SUDO_UID:-$me}; ` +
    `while [ -n "$w" ]; do c=\${w%%/*}; case $w in */*) w=\${w#*/} ;; *) w= ;; esac; ` +
    `case $c in ''|.) continue ;; ..) r=\${r%/*}; continue ;; esac; ` +
    `if [ ! -L "$r/$c" ]; then r=$r/$c; continue; fi; ` +
    `set -- $(ls -lnd -- "$r/$c"); case $3 in 0|"$me"|"$lu") ;; ` +
    `*) ${refuse(`${quoteArg('the link ')}"$r/$c"${quoteArg(' on its way belongs to uid ')}"$3"`, 'remove the link, or give the path without it')} ;; esac; ` +
    `k=$((k + 1)); [ "$k" -le 40 ] || { echo ${quoteArg(`${shown}: too many levels of symbolic links on its way`)} >&2; exit 1; }; ` +
    `l=$(readlink -- "$r/$c") || exit 1; case $l in /*) r= ;; esac; w=$l/$w; done; ` +
    `cd -P -- ${quotePathOperand(dir)} || exit $?; [ "$(pwd -P)" = "\${r:-/}" ] || { ` +
    `${refuse(`${quoteArg(`${dir} led to `)}"$(pwd -P)"${quoteArg(' when entered, not to ')}"\${r:-/}"${quoteArg(' as checked (a directory on its way was swapped for a link?)')}`, 'not written: run it again once nobody else can change the directories on its way')}; }; `
  );
}

/**
 * Shell (ending in `;`): fails (exit 1, a message on stderr) when `path` exists in a
 * world-writable directory and belongs to another user than us, the directory's owner and
 * `asked` (a user name or uid the task asked for), or is a file with other hard links there.
 */
export function untrustedDestCheck(path: string, asked?: string): string {
  return untrustedEntryCheck(quoteArg(path), quotePathOperand(posix.dirname(path)), quoteArg(path), asked);
}

/**
 * Shell (ending in `;`): untrustedDestCheck for the path held in shell variable `variable`
 * and, while it is a symbolic link, for each link it leads through (up to 40) and the file it
 * ends at, each in its own directory, before anything follows them. The read of the modules
 * that edit a file in place (lineinfile, blockinfile) starts with it, so that another user's
 * link in /tmp never chooses the file read and written, whatever fs.protected_symlinks says;
 * a link elsewhere is followed, as in Ansible. Uses variables q, d, l, i.
 */
export function untrustedPathCheck(variable: string, asked?: string): string {
  const check = untrustedEntryCheck('"$q"', '"$d"', '"$q"', asked);
  return (
    `q=$${variable}; i=0; while :; do d=$(dirname -- "$q"); case $d in -*) d=./$d ;; esac; ${check}` +
    `[ -L "$q" ] && [ "$i" -lt 40 ] || break; l=$(readlink -- "$q") || break; ` +
    `case $l in /*) q=$l ;; *) q=$d/$l ;; esac; i=$((i + 1)); done; `
  );
}

/** What a source root would read, chosen or changeable by another user, is refused with. */
const UNTRUSTED_SOURCE_WHY = ': another user could choose or change what root reads';

/**
 * Shell (ending in `;`) for a file root reads to copy or unpack elsewhere (`remote_src`), held
 * in variable `variable`: untrustedPathCheck, then the file where it really is, every
 * directory above it and every directory the path was written through must belong to root, the user the task runs as or the login user (sudo's
 * SUDO_UID), and none may be writable by group or others, except a directory with the sticky
 * bit (/tmp), whose entry below is checked in turn. Then nobody else can swap the file or a
 * directory on its way between the check and the read. Fails (exit 1, a message on stderr)
 * otherwise. Uses variables q, d, l, i, r, c, m, u, me, lu.
 */
export function trustedSourceCheck(variable: string): string {
  // `shell` is shell words between the path and the reason (`' belongs to uid '"$u"`).
  const refuse = (shell: string): string =>
    `echo "$${variable}"${quoteArg(': ')}"$c"${shell}${quoteArg(`${UNTRUSTED_SOURCE_WHY}; move it where only root (or the login user) can write`)} >&2; exit 1`;
  return (
    untrustedPathCheck(variable) +
    `r=$(readlink -f -- "$${variable}") || r=; if [ -n "$r" ] && [ -e "$r" ]; then me=$(id -u); lu=\${SUDO_UID:-$me}; ` +
    // Where the file really is, and the directories the path was written through.
    `for c in "$r" "$(dirname -- "$${variable}")"; do while :; do ` +
    `set -- $(ls -lnd -- "$c"); m=$(printf %.10s "$1"); u=$3; ` +
    `case $u in 0|"$me"|"$lu") ;; *) ${refuse(`${quoteArg(' belongs to uid ')}"$u"`)} ;; esac; ` +
    `case $m in ?????w????|????????w?) case $c:$m in "$r":*|*[!tT]) ${refuse(quoteArg(' is writable by group or others'))} ;; esac ;; esac; ` +
    `case $c in /|.) break ;; esac; c=$(dirname -- "$c"); done; done; fi; `
  );
}

/** What a world-writable directory's entry another user may have put there is refused with. */
const UNTRUSTED_WHY = ' in a world-writable directory: another user may have put it there, and it is not followed, replaced or changed';

/**
 * The refusal of untrustedDestCheck/untrustedPathCheck in a command's result (its last line
 * on stderr), or undefined when the command did not stop there.
 */
export function untrustedRefusal(result: { readonly rc: number | null; readonly stderr: string }): string | undefined {
  if (result.rc === 0) return undefined;
  const line = result.stderr.trim().split('\n').pop() ?? '';
  return line.includes(' in a world-writable directory: another user may have ') || line.includes(UNTRUSTED_SOURCE_WHY) ? line : undefined;
}

/** The check on one entry: `p` and `d` are shell words for it and its directory, `shown` for the path the message names. */
function untrustedEntryCheck(p: string, d: string, shown: string, asked?: string): string {
  const ok = `0|"$(id -u)"|"$3"${asked !== undefined ? `|"$(id -u -- ${quoteArg(asked)} 2>/dev/null || echo ${quoteArg(asked)})"` : ''}`;
  return (
    `set -f; if { [ -e ${p} ] || [ -L ${p} ]; } && [ -n "$(find -H ${d} -prune -perm -0002 2>/dev/null)" ]; then ` +
    `set -- $(ls -lnd -- ${p}); n=$2 u=$3; set -- $(ls -lndL -- ${d}); ` +
    `case $u in ${ok}) ;; *) echo ${shown}${quoteArg(' belongs to uid ')}"$u"${quoteArg(`${UNTRUSTED_WHY}; remove it, or choose a directory only trusted users can write`)} >&2; exit 1 ;; esac; ` +
    `if [ ! -L ${p} ] && [ -f ${p} ] && [ "$n" -gt 1 ]; then echo ${shown}${quoteArg(' has other hard links, in a world-writable directory: another user may have linked it there, and it is not replaced or changed')} >&2; exit 1; fi; fi; `
  );
}

/**
 * Shell: a new file beside `beside` (umask 077), created exclusively under a random name (held
 * in variable `nameVar`) and open on descriptor `fd`; variable `fdVar` names it through that
 * descriptor (/proc/self/fd/N where /proc is mounted, else by name). Exits on failure.
 */
export function exclusiveTemp(beside: string, fd: number, nameVar: string, fdVar: string): string {
  return exclusiveTempIn(posix.dirname(beside), fd, nameVar, fdVar);
}

/** exclusiveTemp in directory `dir` (`.` for the current one). */
function exclusiveTempIn(dir: string, fd: number, nameVar: string, fdVar: string): string {
  const template = quotePathOperand(`${dir}/.tpx-XXXXXXXXXX`);
  return (
    `umask 077; set -C; ${nameVar}=$(mktemp -u ${template}) && exec ${fd}>"$${nameVar}" || exit $?; set +C; ` +
    `${fdVar}=/proc/self/fd/${fd}; [ -e "$${fdVar}" ] || ${fdVar}=$${nameVar}`
  );
}

/** The mode of a new file when none is given (Ansible's 0666 under the usual umask 022). */
export const NEW_FILE_MODE = 0o644;

/**
 * What a file written over `state` ends up as: the wanted mode (0644 for a new file without
 * one) and owner, else the file's current owner when written through sudo (it would
 * otherwise end up root's, where Ansible's atomic move keeps it); the group alone goes to chgrp.
 */
export function replacedFile(want: { mode?: number; owner?: string; group?: string }, state: PathState, become: boolean): WrittenFile {
  const exists = state.type === 'file';
  let owner = want.owner !== undefined && want.group !== undefined ? `${want.owner}:${want.group}` : want.owner;
  let keptOwner = false;
  if (owner === undefined && want.group === undefined && exists && become) {
    owner = `${state.uid}:${state.gid}`;
    keptOwner = true;
  }
  return { mode: want.mode ?? NEW_FILE_MODE, owner, group: owner === undefined ? want.group : undefined, ...(keptOwner ? { keptOwner } : {}) };
}
