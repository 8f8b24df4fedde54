import { quoteArg, quoteArgv } from '../shell/quote.js';
import type { FactRequest, PlanContext } from './module.js';
import type { UserParams } from './user-params.js';

/** The date useradd/usermod -e take for `expires` (UTC, as Ansible's time.gmtime), or '' for never. */
export function expiryDate(expires: number): string {
  if (expires < 0) return '';
  return new Date(Math.floor(expires) * 1000).toISOString().slice(0, 10);
}

/** What a home is refused with when a directory on its way could be changed by another user than root. */
const UNSAFE_PARENT =
  ' is not owned by root or is writable by its group or others: another user could put a link where the new home goes, and root would then change what it leads to; make it root-owned and not group- or other-writable (chmod go-w), or create the home first';

/**
 * Shell: enters the parent of the home in variable `h`, walking from / one directory at a
 * time (making missing ones), each entered with `cd -P` and refused (a message on stderr,
 * exit 1) unless root owns it and only root can write it. Then no other user can change the
 * way there, nor put a link where the home goes. Uses variables c, d, m, o and the positional
 * parameters.
 */
export function enterHomeParent(): string {
  return [
    `trusted() { m=$(stat -c '%u %a' .) && [ "\${m%% *}" = 0 ] && [ $((0\${m#* } & 022)) = 0 ] || { echo "cannot create the home $h: $(pwd -P)"${quoteArg(UNSAFE_PARENT)} >&2; exit 1; }; }`,
    'cd / && trusted || exit 1',
    'd=$(dirname -- "$h"); set -f; o=$IFS; IFS=/; set -- $d; IFS=$o; set +f',
    'for c in "$@"; do',
    '  [ -n "$c" ] || continue',
    '  [ -e "$c" ] || mkdir -- "$c" || exit 1',
    '  cd -P -- "$c" && trusted || exit 1',
    'done',
  ].join('\n');
}

/** useradd's arguments for a new user, in Ansible's order (`-N` is added on the host when a group named as the user exists). */
export function useraddArgv(p: UserParams): string[] {
  const argv = ['useradd'];
  if (p.uid !== undefined) argv.push('-u', String(p.uid), ...(p.nonUnique ? ['-o'] : []));
  if (p.group !== undefined) argv.push('-g', p.group);
  const groups = [...new Set((p.groups ?? []).filter((g) => g !== ''))];
  if (groups.length > 0) argv.push('-G', groups.join(','));
  if (p.comment !== undefined) argv.push('-c', p.comment);
  if (p.home !== undefined) argv.push('-d', p.home);
  if (p.shell !== undefined) argv.push('-s', p.shell);
  if (p.expires !== undefined) argv.push('-e', expiryDate(p.expires));
  if (p.createHome) argv.push('-m', ...(p.skeleton !== undefined ? ['-k', p.skeleton] : []));
  else argv.push('-M');
  if (p.system) argv.push('-r');
  return argv;
}

/** userdel's arguments. */
export function userdelArgv(p: UserParams): string[] {
  return ['userdel', ...(p.force ? ['-f'] : []), ...(p.remove ? ['-r'] : []), p.name];
}

/** Prints `grp REF ENTRY` for a group that exists, `nogrp REF` for one that does not. */
const groupLookup = (ref: string): string =>
  `if e=$(getent group ${quoteArg(ref)}); then printf 'grp %s %s\\n' ${quoteArg(ref)} "$e"; else printf 'nogrp %s\\n' ${quoteArg(ref)}; fi`;

/** The groups the plan needs to know about: the primary one and the supplementary ones. */
export function referencedGroups(p: UserParams): string[] {
  return [...new Set([...(p.group !== undefined ? [p.group] : []), ...(p.groups ?? []).filter((g) => g !== '')])];
}

/**
 * The host program (a command line without secrets; the hash, when given, is its stdin's
 * first line). It prints what the plan needs, as tagged lines: `had ENTRY` or `none`, `pw
 * same|differs`, `expire DAYS`, `member GROUP` for each group listing the user, `grp`/`nogrp`
 * for the groups named, `home yes|no` and `newhome yes|no`. Unless in check mode, a missing
 * user that is wanted is added (`made RC`, then `now ENTRY`), and an existing one that is not
 * wanted is removed (`gone RC`): Ansible returns what those made, and their stderr.
 */
export function userFactScript(p: UserParams, check: boolean): string {
  const name = quoteArg(p.name);
  const lines: string[] = p.state === 'absent' ? [] : [p.password !== undefined ? 'IFS= read -r pw' : 'pw='];
  for (const g of referencedGroups(p)) lines.push(groupLookup(g));
  lines.push(`if e=$(getent passwd ${name}); then`, `printf 'had %s\\n' "$e"`);
  if (p.state === 'absent') {
    if (!check) lines.push(`${quoteArgv(userdelArgv(p))} >/dev/null; echo "gone $?"`);
  } else {
    lines.push(
      `s=$(getent shadow ${name}) || s=`,
      'h=$(printf %s "$s" | cut -d: -f2); x=$(printf %s "$s" | cut -d: -f8)',
      `while :; do case $h in '!'*) h=\${h#!} ;; *) break ;; esac; done`,
      `while :; do case $pw in '!'*) pw=\${pw#!} ;; *) break ;; esac; done`,
      '[ "$h" = "$pw" ] && echo "pw same" || echo "pw differs"',
      'printf \'expire %s\\n\' "$x"',
      // Every group that lists the user as a member (Ansible's user_group_membership).
      `getent group | awk -F: -v u=${name} '{ n = split($4, m, ","); for (i = 1; i <= n; i++) if (m[i] == u) print "member " $1 }'`,
      'd=$(printf %s "$e" | cut -d: -f6); [ -e "$d" ] && echo "home yes" || echo "home no"',
    );
    if (p.home !== undefined) lines.push(`[ -e ${quoteArg(p.home)} ] && echo "newhome yes" || echo "newhome no"`);
  }
  lines.push('exit 0', 'fi', 'echo none');
  if (p.state === 'present' && !check) {
    const missing = referencedGroups(p).map((g) => `getent group ${quoteArg(g)} >/dev/null || exit 0`);
    const argv = quoteArgv(useraddArgv(p));
    lines.push(
      ...missing,
      // Its parent made, and refused unless only root can change the way there: useradd makes, chowns and chmods the home by its path.
      p.home !== undefined && p.createHome ? `(h=${quoteArg(p.home)}\n${enterHomeParent()}\n) || { echo "made 1"; exit 0; }` : ':',
      // Without a group, a group named as the user makes useradd -N (no user group), as Ansible does.
      p.group === undefined ? `n=; getent group ${name} >/dev/null && n=-N` : 'n=',
      `${argv} $n ${name} >/dev/null; rc=$?`,
      // printf is the shell's own: the hash is on no command line.
      p.password !== undefined ? `[ $rc = 0 ] && { printf '%s:%s\\n' ${name} "$pw" | chpasswd -e >/dev/null; rc=$?; }` : ':',
      'echo "made $rc"',
      `e=$(getent passwd ${name}) && printf 'now %s\\n' "$e"`,
    );
  }
  return lines.join('\n');
}

/** The user fact request: the program, with the hash on stdin when there is one. */
export function userFacts(p: UserParams, ctx: Pick<PlanContext, 'check' | 'become'>): FactRequest {
  return {
    key: 'user',
    command: userFactScript(p, ctx.check),
    become: ctx.become,
    ...(p.password !== undefined ? { stdin: `${p.password}\n` } : {}),
  };
}
