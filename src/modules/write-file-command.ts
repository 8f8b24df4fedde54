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
 * `cat`, i.e. the command's stdin; or `{ line }`, printed by the shell) goes to a new file of its own beside `dest`, which gets its
 * owner, then its mode, and is renamed over dest. With `validate` (a command reading the
 * temporary file as "$t"), a file it refuses is never moved into place. On any failure the
 * temporary file is removed and the failing step's exit code kept.
 *
 * Hostile ground (dest's directory may be another user's, e.g. a home directory written as
 * root): the temporary file is created under a name nobody can guess (the kernel's random
 * UUID: `set -C` only refuses an existing regular file, a link or FIFO put at the name would be
 * opened, so the name's 122 random bits are what keeps it ours) and held open; it is written, chowned and chmodded through that open
 * file (/proc/self/fd/3), never by its name, which the directory's owner could have pointed
 * elsewhere by then. The rename does not follow a link at dest either, nor moves the file into
 * a directory a link at dest leads to (renameCommand). In a world-writable
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
export function writeFileCommand(dest: string, file: WrittenFile, source: string | { readonly line: string } = 'cat', validate?: string): string {
  const entry = `./${posix.basename(dest)}`;
  // A source other than stdin runs where the command started: `cat < "$s"` may name a relative path.
  // A line of the controller's is printed by the shell itself (no process).
  const print = typeof source === 'string' ? (source === 'cat' ? source : `(cd -P -- "$o" && ${source})`) : `printf '%s\\n' ${quoteArg(source.line)}`;
  const steps = [`${print} >&3`];
  // Ansible's message for a validation that fails; the file is not replaced.
  if (validate !== undefined) steps.push(`{ ${validate} || { rc=$?; echo "failed to validate: rc:$rc" >&2; (exit $rc); }; }`);
  if (file.owner !== undefined) steps.push(`chown -- ${quoteArg(file.owner)} "$f"`);
  else if (file.group !== undefined) steps.push(`chgrp -- ${quoteArg(file.group)} "$f"`);
  steps.push(`chmod ${formatMode(file.mode)} "$f"`, renameCommand('"$t"', quoteArg(entry), quoteArg(dest)));
  const asked = file.owner !== undefined && !file.keptOwner ? file.owner.split(':')[0] : undefined;
  return (
    `(${enterDirectory(posix.dirname(dest), dest)}${untrustedEntryCheck(quoteArg(entry), '.', quoteArg(dest), asked)}` +
    `${exclusiveTempIn('.', 3, 't', 'f')}; ${steps.join(' && ')} || { rc=$?; rm -f -- "$t"; exit $rc; })`
  );
}

/**
 * Shell: renames `from` over `to` (shell words, in the current directory), never into a
 * directory, nor one a link at `to` leads to (another user's link to /etc at the name would
 * have the new file land in /etc): GNU mv's -T, whose failure (a directory at `to`) is final;
 * where mv is not GNU's, a directory at `to` is refused first (a race remains there). A refusal
 * names `shown`.
 */
export function renameCommand(from: string, to: string, shown: string): string {
  const refuse = `echo ${shown}${quoteArg(' is a directory, or a link to one: not replaced')} >&2; false`;
  // GNU mv's failure is final (run again for its message); only an mv without -T falls back.
  return (
    `{ mv -fT -- ${from} ${to} 2>/dev/null || if mv --version 2>/dev/null | grep -q GNU; then mv -fT -- ${from} ${to}; ` +
    `elif [ -d ${to} ]; then ${refuse}; else mv -f -- ${from} ${to}; fi; }`
  );
}

/** What another user's link on the way to a path root writes is refused with. */
const UNTRUSTED_WAY_WHY = ': another user could choose where root writes';
/** The same, on the way to a file root edits in place (lineinfile, blockinfile, replace). */
const UNTRUSTED_EDIT_WAY_WHY = ': another user could choose what root reads and writes';
/** The refusal of a walk with too many links on the way. */
const TOO_MANY_LINKS = ': too many levels of symbolic links on its way';

/** How walkWay goes. */
interface Way {
  /** The path a refusal names first. */
  readonly shown: string;
  /** `path` is a file's: see walkWay. */
  readonly file?: boolean;
  /** The owner the task asks for (a user name or uid), trusted at a file's own name. */
  readonly asked?: string;
  /** Why another user's link is refused (UNTRUSTED_WAY_WHY by default). */
  readonly why?: string;
}

/**
 * The one walk root goes to a path on the host by (writeFileCommand, backups, attribute
 * changes, the parents a new file needs, and the read of the modules that edit a file in
 * place). Shell (ending in `;`) that resolves `path` component by component into variable r
 * (its real path, '' for /; a missing component is taken as it is, as `realpath -m` takes
 * it), following a symbolic link on the way only when it belongs to root, to us or to the
 * login user (sudo's SUDO_UID), up to 40 of them: another user's link, even in a directory
 * of theirs, would choose where root goes (a link to /etc in /tmp). Exits 1 with a message
 * naming `way.shown` on stderr otherwise. With `way.file`, the last component is the file's
 * own name: it is checked as untrustedEntryCheck checks an entry (another user's file or link
 * in a world-writable directory is refused) and a link there is followed, as Ansible follows
 * a link at path, its own way walked in turn; but another user's link there only when the
 * file it ends at (or, missing, its directory) is theirs too: their `.profile` linked to
 * /etc/shadow must not have root edit, chown or chmod the shadow file. Runs no process per component but for a
 * link (and with `way.file`, one for the file's name). The directory it started in stays in
 * variable o (its physical path, from `cd -P .`: no process). Uses variables o, r, w, c, k,
 * l, lk, lo, me, n, u and the positional parameters.
 */
function walkWay(path: string, way: Way): string {
  const why = way.why ?? UNTRUSTED_WAY_WHY;
  const refuse = `echo ${quoteArg(`${way.shown}: the link `)}"$r/$c"${quoteArg(' on its way belongs to uid ')}"$3"${quoteArg(`${why}; remove the link, or give the path without it`)} >&2; exit 1`;
  // Whose the link is costs a process; who we are one more, only for a link root does not own.
  const owner = `set -- $(ls -lnd -- "$r/$c"); case $3 in 0) ;; *) [ -n "$me" ] || me=$(id -u); case $3 in "$me"|"\${SUDO_UID:-$me}") ;; *) ${refuse} ;; esac ;; esac; `;
  // r is the real path resolved so far ('' for /), w what is left to walk.
  const start = path.startsWith('/') ? 'r=; ' : `[ -n "$o" ] || exit 1; r=\${o%/}; `;
  const entry = way.file ? `if [ -z "$w" ]; then ${untrustedEntryCheck('"$r/$c"', '"${r:-/}"', '"$r/$c"', way.asked)}fi; ` : '';
  // At the file's own name, another user's link is followed only to a file of theirs (lo: its
  // owner; lk: the link): whoever could put it there (their home, a directory their group
  // writes) must not choose a file root edits, chowns or chmods.
  const gone = `echo ${quoteArg(`${way.shown}: `)}"$r/$c"${quoteArg(` changed while it was checked${why}; run it again once nobody else can change it`)} >&2; exit 1`;
  const theirs = `echo ${quoteArg(`${way.shown}: the link `)}"$lk"${quoteArg(' belongs to uid ')}"$lo"${quoteArg(' and leads to a file that is not theirs')}${quoteArg(`${why}; remove the link, or give the path without it`)} >&2; exit 1`;
  const own =
    `set -- $(ls -lnd -- "$r/$c"); case \${3-} in '') ${gone} ;; 0) ;; *) [ -n "$me" ] || me=$(id -u); case $3 in "$me"|"\${SUDO_UID:-$me}") ;; *) ` +
    `lk=$r/$c; case $lo in ''|"$3") lo=$3 ;; *) lo=$3; ${theirs} ;; esac ;; esac ;; esac; `;
  const landed = way.file
    ? `if [ -n "$lo" ]; then if [ -e "$r" ] || [ -L "$r" ]; then set -- $(ls -lnd -- "$r"); else set -- $(ls -lndL -- "\${r%/*}/" 2>/dev/null); fi; [ "$3" = "$lo" ] || { ${theirs}; }; fi; `
    : '';
  return (
    `set -f; o=; cd -P . 2>/dev/null && o=$PWD; ${start}w=${quoteArg(path)}; k=0; me=; lo=; ` +
    `while [ -n "$w" ]; do c=\${w%%/*}; case $w in */*) w=\${w#*/} ;; *) w= ;; esac; ` +
    `case $c in ''|.) continue ;; ..) r=\${r%/*}; continue ;; esac; ${entry}` +
    `if [ ! -L "$r/$c" ]; then r=$r/$c; continue; fi; ` +
    (way.file ? `if [ -n "$w" ]; then ${owner}else ${own}fi; ` : owner) +
    `k=$((k + 1)); [ "$k" -le 40 ] || { echo ${quoteArg(`${way.shown}${TOO_MANY_LINKS}`)} >&2; exit 1; }; ` +
    `l=$(readlink -- "$r/$c") || exit 1; case $l in /*) r= ;; esac; w=$l/$w; done; ${landed}`
  );
}

/**
 * Shell (ending in `;`) that makes the directory walkWay resolved (in variable e: shell word
 * `dir`, from r) the current one, or exits (1 and a message naming `shown` on stderr; a
 * directory that does not exist: cd's message and status). `cd -P` to it (by `operand`, a
 * shell word the message shows as `named`; by default "$e") must land in that very
 * directory: if not, a directory on the way (another user's) was swapped for a link
 * meanwhile. From there on the current directory is the checked one, whatever happens to the
 * path, so every later step names files relatively (`cd -P` leaves the physical path in
 * PWD, as `pwd -P` would print it, without a process). With `create`, the directories missing at the end of the way are made first,
 * one by one from the last existing one, each entered by its name and checked the same way
 * (no `mkdir -p`: a name another user took meanwhile is never followed), `chown -h` to `owner`
 * when given. Uses variables e, w, c.
 */
function enterWalked(
  dir: string,
  shown: string,
  opts: { readonly operand?: string; readonly named?: string; readonly create?: boolean; readonly owner?: string } = {},
): string {
  const operand = opts.operand ?? '"${e:-/}"';
  const refuse = (entered: string, landed: string): string =>
    `echo ${quoteArg(`${shown}: `)}${entered}${quoteArg(' led to ')}${landed}${quoteArg(' when entered, not to ')}"\${e:-/}"${quoteArg(' as checked (a directory on its way was swapped for a link?)')}` +
    `${quoteArg(`${UNTRUSTED_WAY_WHY}; not written: run it again once nobody else can change the directories on its way`)} >&2; exit 1`;
  const chown = opts.owner !== undefined ? ` && chown -h -- ${quoteArg(opts.owner)} "./$c"` : '';
  const made =
    `w=\${r#"$e"}; while [ -n "$w" ]; do c=\${w%%/*}; case $w in */*) w=\${w#*/} ;; *) w= ;; esac; [ -n "$c" ] || continue; ` +
    `mkdir -- "./$c"${chown} && cd -P -- "./$c" || exit $?; e=$e/$c; [ "$PWD" = "$e" ] || { ${refuse('"$e"', '"$PWD"')}; }; done; `;
  return (
    `e=${dir}; ${opts.create ? 'while [ -n "$e" ] && [ ! -d "$e" ]; do e=${e%/*}; done; ' : ''}` +
    `cd -P -- ${operand} || exit $?; [ "$PWD" = "\${e:-/}" ] || { ${refuse(opts.named ?? operand, '"$PWD"')}; }; ${opts.create ? made : ''}`
  );
}

/**
 * Shell (ending in `;`) that makes directory `dir` the current one by walkWay and
 * enterWalked (`cd -P` by `dir` as given), or exits (1 and a message naming `shown` on
 * stderr). The directory the command started in stays in variable o.
 */
export function enterDirectory(dir: string, shown: string): string {
  return `${walkWay(dir, { shown })}${enterWalked('$r', shown, { operand: quotePathOperand(dir), named: quoteArg(dir) })}`;
}

/**
 * Shell (ending in `;`) for the modules that edit a file in place (lineinfile, blockinfile,
 * replace), before anything is read: `path` resolved by walkWay as a file's (variable r, ''
 * for /), so that another user's link anywhere on the way (a link to /etc in /tmp), or their
 * file or link in a world-writable directory at its name, never chooses the file root reads
 * and writes. Exits 1 with a message on stderr (untrustedRefusal finds it) otherwise. Uses
 * the variables of walkWay.
 */
export function editedPathWalk(path: string, asked?: string): string {
  return walkWay(path, { shown: path, file: true, asked, why: UNTRUSTED_EDIT_WAY_WHY });
}

/**
 * Shell (ending in `;`) for a file root reads to edit it, or to decide on it (lineinfile,
 * blockinfile, replace, sysctl, cron, wait_for): editedPathWalk, then the file it resolved
 * (variable r) opened where the walk checked it, so that nothing another user changes
 * afterwards (their file at the name swapped for a link to a root file, a directory of theirs
 * on the way swapped for a link) chooses what is read: its directory entered and checked
 * (enterWalked), the name opened there on descriptor 4 and required to be that very file (no
 * link by now, the same inode), and variable p set to /proc/self/fd/4, which reads that inode
 * whatever happens to the name (without /proc: the relative name), and variable pin set to 1.
 * Where it was no regular file (missing, a directory; its directory missing), pin is empty and
 * p a name: whatever is there by the time it is read was not checked, so callers read content
 * (and a file's state) only with pin set. Changes the current directory. Uses the variables of
 * walkWay and enterWalked, and x.
 */
export function editedPathRead(path: string, asked?: string): string {
  const refuse = (what: string): string =>
    `{ echo ${quoteArg(`${path}: `)}"$e/\${x#./}"${quoteArg(` ${what}${UNTRUSTED_EDIT_WAY_WHY}; not read: run it again once nobody else can change it`)} >&2; exit 1; }`;
  return (
    `${editedPathWalk(path, asked)}p=\${r:-/}; pin=; if [ -d "\${r%/*}/" ]; then ${enterWalked('${r%/*}', path)}x=./\${r##*/}; p=$x; ` +
    `if [ -L "$x" ]; then ${refuse('was swapped for a link after it was checked')}; fi; ` +
    `if [ -f "$x" ]; then exec 4< "$x" || exit 1; pin=1; if [ -e /proc/self/fd/4 ]; then [ ! -L "$x" ] && [ "$x" -ef /proc/self/fd/4 ] || ${refuse('was swapped while it was opened')}; p=/proc/self/fd/4; fi; fi; fi; `
  );
}

/**
 * Shell (ending in `;`) that opens the regular file at `entry` (a shell word naming it in the
 * current directory) read-only on descriptor `fd`, and sets variable f to what reaches that
 * very file: /proc/self/fd/N (its name where /proc is missing). Refuses, by `refuse(why)` (a
 * shell command that exits), a link, anything but a regular file, and a name swapped while it
 * was opened (it must then be no link and the same inode). For what root changes or copies
 * (attribute changes, backups): never through a link another user put at the name.
 */
export function openedEntry(entry: string, fd: number, refuse: (why: string) => string): string {
  const f = `/proc/self/fd/${fd}`;
  return (
    `if [ -L ${entry} ]; then ${refuse('is a link now')}; fi; [ -f ${entry} ] || ${refuse('is not a regular file now')}; exec ${fd}< ${entry}; ` +
    `f=${f}; if [ -e "$f" ]; then [ ! -L ${entry} ] && [ ${entry} -ef "$f" ] && [ -f "$f" ] || ${refuse('was swapped while it was opened')}; else f=${entry}; fi; `
  );
}

/**
 * Shell for pathStateScript's `unpinnedFile` after editedPathRead: a regular file that was not
 * there (or no regular file) when the name was opened appeared since: refused, never read.
 */
export function unpinnedFileRefusal(path: string): string {
  return `echo ${quoteArg(`${path}: it became a regular file after it was checked${UNTRUSTED_EDIT_WAY_WHY}; not read: run it again once nobody else can change it`)} >&2; exit 1`;
}

/**
 * A command (a subshell) that enters the directory of `path` by the walk (walkWay,
 * enterWalked), checks the entry there as writeFileCommand does (untrustedEntryCheck's rule,
 * `asked` being the owner the task asks for), then runs `body`, given the entry's shell word
 * (a relative name: it must not name it otherwise). With `follow`, a link at `path` is
 * followed as walkWay follows a file's own name, and the body works in the directory of
 * the file it leads to. Used for backups and attribute changes.
 */
export function atEntry(path: string, body: (entry: string) => string, opts: { readonly asked?: string; readonly follow?: boolean } = {}): string {
  if (opts.follow) {
    const way = walkWay(path, { shown: path, file: true, asked: opts.asked });
    return `(${way}${enterWalked('${r%/*}', path)}x=./\${r##*/}; ${body('"$x"')})`;
  }
  const entry = quoteArg(`./${posix.basename(path)}`);
  return `(${enterDirectory(posix.dirname(path), path)}${untrustedEntryCheck(entry, '.', quoteArg(path), opts.asked)}${body(entry)})`;
}

/**
 * A command (a subshell) that makes directory `dir` and its missing parents by the walk
 * (enterWalked's `create`), giving the new ones `owner` (`user`, `user:group` or `:group`)
 * when given; a refusal names `shown`. For a new file's directory (lineinfile and
 * blockinfile's `create`, copy's remote_src to a dest ending in `/`).
 */
export function makeDirectoryCommand(dir: string, shown: string, owner?: string): string {
  return `(${walkWay(dir, { shown })}${enterWalked('$r', shown, { create: true, owner })}:)`;
}

/**
 * Shell (ending in `;`): untrustedEntryCheck for the path held in shell variable `variable`
 * and, while it is a symbolic link, for each link it leads through (up to 40) and the file it
 * ends at, each in its own directory, before anything follows them, so that another user's
 * link in /tmp never chooses the file read, whatever fs.protected_symlinks says; a link
 * elsewhere is followed, as in Ansible. (The modules that edit a file in place walk the path
 * instead, editedPathWalk, which also refuses another user's link on the way.) Uses variables
 * q, d, l, i.
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
 * The refusal of the walk, untrustedEntryCheck or untrustedPathCheck in a command's result (its last line
 * on stderr), or undefined when the command did not stop there.
 */
export function untrustedRefusal(result: { readonly rc: number | null; readonly stderr: string }): string | undefined {
  if (result.rc === 0) return undefined;
  const line = result.stderr.trim().split('\n').pop() ?? '';
  const found = [' in a world-writable directory: another user may have ', UNTRUSTED_SOURCE_WHY, UNTRUSTED_WAY_WHY, UNTRUSTED_EDIT_WAY_WHY, TOO_MANY_LINKS];
  return found.some((why) => line.includes(why)) ? line : undefined;
}

/**
 * The check on one entry: fails (exit 1, a message on stderr) when it exists in a
 * world-writable directory and belongs to another user than us, the directory's owner and
 * `asked` (a user name or uid the task asked for), or is a file with other hard links there.
 * `p` and `d` are shell words for it and its directory, `shown` for the path the message names.
 */
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
 * Shell: a new file beside `beside` (umask 077), created under a random name (noclobber; held
 * in variable `nameVar`) and open on descriptor `fd`; variable `fdVar` names it through that
 * descriptor (/proc/self/fd/N where /proc is mounted, else by name). Exits on failure.
 */
export function exclusiveTemp(beside: string, fd: number, nameVar: string, fdVar: string): string {
  return exclusiveTempIn(posix.dirname(beside), fd, nameVar, fdVar);
}

/** exclusiveTemp in directory `dir` (`.` for the current one). */
function exclusiveTempIn(dir: string, fd: number, nameVar: string, fdVar: string): string {
  const template = quotePathOperand(`${dir}/.tpx-XXXXXXXXXX`);
  // The kernel's random UUID (122 random bits), read by the shell itself; mktemp's name without /proc.
  const named = `${nameVar}=; read -r ${nameVar} 2>/dev/null < /proc/sys/kernel/random/uuid; case $${nameVar} in ?*-*) ${nameVar}=${quotePathOperand(`${dir}/.tpx-`)}$${nameVar} ;; *) ${nameVar}=$(mktemp -u ${template}) ;; esac`;
  return (
    `umask 077; set -C; ${named} && exec ${fd}>"$${nameVar}" || exit $?; set +C; ` + `${fdVar}=/proc/self/fd/${fd}; [ -e "$${fdVar}" ] || ${fdVar}=$${nameVar}`
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
