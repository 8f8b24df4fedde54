import { quoteArg, quoteArgv } from '../shell/quote.js';
import type { Action, FactResults, Plan, PlanContext } from './module.js';
import { commandFailure } from './group.js';
import { failPlan } from './plans.js';
import type { UserParams } from './user-params.js';
import { enterHomeParent, expiryDate } from './user-facts.js';
import { type GroupEntry, type PasswdEntry, parseGroupLine, parsePasswdLine, tagged, taggedLines } from './user-names.js';

/** What the fact program told about the account. */
interface UserFacts {
  readonly current?: PasswdEntry;
  readonly passwordSame: boolean;
  /** Days since the epoch; -1 when the account never expires. */
  readonly expireDays: number;
  readonly memberOf: readonly string[];
  readonly groups: ReadonlyMap<string, GroupEntry | undefined>;
  readonly homeExists: boolean;
  readonly newHomeExists: boolean;
}

function readFacts(stdout: string): UserFacts {
  const groups = new Map<string, GroupEntry | undefined>();
  for (const line of taggedLines(stdout, 'grp')) {
    const at = line.indexOf(' ');
    groups.set(line.slice(0, at), parseGroupLine(line.slice(at + 1)));
  }
  for (const ref of taggedLines(stdout, 'nogrp')) groups.set(ref, undefined);
  const had = tagged(stdout, 'had');
  const expire = tagged(stdout, 'expire') ?? '';
  return {
    current: had === undefined ? undefined : parsePasswdLine(had),
    passwordSame: tagged(stdout, 'pw') === 'same',
    expireDays: /^\d+$/.test(expire) ? Number(expire) : -1,
    memberOf: taggedLines(stdout, 'member'),
    groups,
    homeExists: tagged(stdout, 'home') === 'yes',
    newHomeExists: tagged(stdout, 'newhome') === 'yes',
  };
}

/** What Ansible returns about an account that is present. */
function presentReturns(p: UserParams, entry: PasswdEntry): Record<string, unknown> {
  return {
    uid: entry.uid,
    group: entry.gid,
    comment: entry.comment,
    home: entry.home,
    shell: entry.shell,
    ...(p.groups !== undefined ? { groups: p.groups.join(',') } : {}),
    ...(p.password !== undefined ? { password: 'NOT_LOGGING_PASSWORD' } : {}),
  };
}

/** A command's stderr as Ansible returns it when there is some (with stderr_lines). */
const stderrReturns = (stderr: string): Record<string, unknown> => (stderr === '' ? {} : { stderr, stderr_lines: stderr.replace(/\n$/, '').split('\n') });

const missingGroup = (p: UserParams, f: UserFacts): string | undefined =>
  [...(p.group !== undefined ? [p.group] : []), ...(p.groups ?? []).filter((g) => g !== '')].find((g) => f.groups.get(g) === undefined);

export function planUser(p: UserParams, facts: FactResults, ctx: Pick<PlanContext, 'check' | 'become'>): Plan {
  const fact = facts.user;
  const out = fact.stdout;
  if (tagged(out, 'had') === undefined && !out.split('\n').includes('none')) {
    throw new Error(`could not read user ${p.name} on the host: ${fact.stderr.trim() || `exit code ${fact.rc}`}`);
  }
  const f = readFacts(out);
  const stderr = stderrReturns(fact.stderr);
  if (p.state === 'absent') {
    if (!f.current) return { changed: false, actions: [], returns: { name: p.name, state: p.state } };
    if (ctx.check) return { changed: true, actions: [] };
    const gone = tagged(out, 'gone');
    if (gone !== '0') return failPlan(fact.stderr, { name: p.name, rc: Number(gone) });
    return { changed: true, actions: [], returns: { name: p.name, state: p.state, force: p.force, remove: p.remove, ...stderr } };
  }
  if (!f.current) return planCreated(p, f, fact.stderr, out, ctx);
  return planModified(p, f, f.current, ctx);
}

function planCreated(p: UserParams, f: UserFacts, stderr: string, out: string, ctx: Pick<PlanContext, 'check'>): Plan {
  if (ctx.check) return { changed: true, actions: [] };
  const absentGroup = missingGroup(p, f);
  if (absentGroup !== undefined) return failPlan(`Group ${absentGroup} does not exist`);
  const made = tagged(out, 'made');
  if (made !== '0') return failPlan(stderr, { name: p.name, rc: Number(made) });
  const now = parsePasswdLine(tagged(out, 'now') ?? '');
  if (!now) throw new Error(`useradd added ${p.name} but getent cannot find it`);
  const returns = {
    name: p.name,
    state: p.state,
    system: p.system,
    create_home: p.createHome,
    ...presentReturns(p, now),
    ...stderrReturns(stderr),
  };
  return { changed: true, actions: [], returns };
}

/** usermod's options for what differs, in Ansible's order, and whether the password changes. */
export function usermodOptions(p: UserParams, f: UserFacts, current: PasswdEntry): { argv: string[]; password: boolean } {
  const argv: string[] = [];
  if (p.uid !== undefined && p.uid !== current.uid) argv.push('-u', String(p.uid), ...(p.nonUnique ? ['-o'] : []));
  const primary = p.group !== undefined ? f.groups.get(p.group) : undefined;
  if (primary && primary.gid !== current.gid) argv.push('-g', String(primary.gid));
  if (p.groups !== undefined) {
    const wanted = [...new Set(p.groups.filter((g) => g !== ''))];
    const have = new Set(f.memberOf);
    const differs = wanted.filter((g) => !have.has(g));
    const extra = [...have].filter((g) => !wanted.includes(g));
    if (wanted.length === 0) {
      if (have.size > 0 && !p.append) argv.push('-G', '');
    } else if (p.append ? differs.length > 0 : differs.length + extra.length > 0) {
      argv.push(...(p.append ? ['-a'] : []), '-G', wanted.join(','));
    }
  }
  if (p.comment !== undefined && p.comment !== current.comment) argv.push('-c', p.comment);
  if (p.home !== undefined && p.home !== current.home) argv.push('-d', p.home, ...(p.moveHome ? ['-m'] : []));
  if (p.shell !== undefined && p.shell !== current.shell) argv.push('-s', p.shell);
  if (p.expires !== undefined) {
    const wanted = expiryDate(p.expires);
    const have = f.expireDays < 0 ? '' : expiryDate(f.expireDays * 86400);
    if (wanted === '' ? f.expireDays >= 0 : wanted !== have) argv.push('-e', wanted);
  }
  const password = p.updatePassword === 'always' && p.password !== undefined && !f.passwordSame;
  return { argv, password };
}

function planModified(p: UserParams, f: UserFacts, current: PasswdEntry, ctx: Pick<PlanContext, 'check'>): Plan {
  const absentGroup = missingGroup(p, f);
  if (absentGroup !== undefined) return failPlan(`Group ${absentGroup} does not exist`);
  const { argv, password } = usermodOptions(p, f, current);
  const actions: Action[] = [];
  if (argv.length > 0) actions.push({ kind: 'exec', command: quoteArgv(['usermod', ...argv, p.name]), onFailure: commandFailure(p.name) });
  if (password) {
    // The hash is the command's stdin, read by chpasswd itself: on no command line.
    actions.push({
      kind: 'exec',
      command: 'chpasswd -e',
      stdin: `${p.name}:${p.password}\n`,
      display: `chpasswd -e (${p.name})`,
      onFailure: commandFailure(p.name),
    });
  }
  let changed = actions.length > 0;
  const after: PasswdEntry = ctx.check
    ? current
    : {
        ...current,
        uid: p.uid ?? current.uid,
        gid: (p.group !== undefined ? f.groups.get(p.group)?.gid : undefined) ?? current.gid,
        comment: p.comment ?? current.comment,
        home: p.home ?? current.home,
        shell: p.shell ?? current.shell,
      };
  // Ansible makes a home that is missing (from the skeleton) whenever create_home is set.
  const home = p.home ?? current.home;
  const homeChanged = home !== current.home;
  const homeExists = homeChanged ? f.newHomeExists || (p.moveHome && f.homeExists && !ctx.check) : f.homeExists;
  if (!homeExists && p.createHome) {
    changed = true;
    actions.push({ kind: 'exec', command: createHomeCommand(home, p.skeleton ?? '/etc/skel', after), display: `create home ${home}` });
  }
  const returns = { name: p.name, state: p.state, append: p.append, move_home: p.moveHome, ...presentReturns(p, after) };
  return { changed, actions, returns };
}

/**
 * Makes a missing home as Ansible does: a copy of the skeleton (or an empty directory), its
 * mode from login.defs' UMASK, owned by the user. It is made in its parent, entered by
 * enterHomeParent (refused unless root alone can change the way there), then entered itself
 * and changed as `.`: no other user can swap it for a link; links inside are copied and
 * chowned as links.
 */
export function createHomeCommand(home: string, skeleton: string, owner: PasswdEntry): string {
  return [
    `h=${quoteArg(home)}; s=${quoteArg(skeleton)}`,
    '{ [ -e "$h" ] || [ -L "$h" ]; } && exit 0',
    enterHomeParent(),
    'b=$(basename -- "$h")',
    '{ [ -e "./$b" ] || [ -L "./$b" ]; } && exit 0',
    'mkdir -- "./$b" || exit 1',
    '[ -d "$s" ] && { cp -R -P -p -- "$s/." "./$b" || exit 1; }',
    'cd -P -- "./$b" || exit 1',
    `u=$(sed -n 's/^UMASK[[:space:]]\\{1,\\}\\([0-9]\\{1,\\}\\)$/\\1/p' /etc/login.defs 2>/dev/null | tail -n 1)`,
    `[ -z "$u" ] || chmod "$(printf '%o' $((0777 & ~0$u)))" . || exit 1`,
    `chown -R -h ${owner.uid}:${owner.gid} -- .`,
  ].join('\n');
}
