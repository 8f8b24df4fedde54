import { quoteArg, quoteArgv } from '../shell/quote.js';
import { ModuleArgs, paramNames } from './module-args.js';
import type { ActionFailure, FactResults, ModuleDefinition, Plan, PlanContext } from './module.js';
import { groupParams } from './params/group.js';
import { failPlan, planOrFail } from './plans.js';
import { accountId, accountName, parseGroupLine, tagged } from './user-names.js';

/** Parameters of `group`. */
export interface GroupParams {
  readonly name: string;
  readonly gid?: number;
  readonly state: 'present' | 'absent';
  readonly system: boolean;
  readonly nonUnique: boolean;
}

export function normaliseGroup(raw: Readonly<Record<string, unknown>>): GroupParams {
  const args = new ModuleArgs('group', raw, paramNames(groupParams));
  const name = accountName(args, 'name', args.requiredString('name'));
  const nonUnique = args.bool('non_unique', false);
  const gid = accountId(args, 'gid');
  if (nonUnique && gid === undefined) throw args.error('non_unique is True but all of the following are missing: gid', 'non_unique');
  if (args.bool('local', false))
    throw args.error("'local: true' (the libuser tools) is not supported; tpx's group uses groupadd, groupmod and groupdel", 'local');
  return { name, gid, state: args.oneOf('state', ['present', 'absent'], 'present'), system: args.bool('system', false), nonUnique };
}

/** groupadd's arguments for a new group, in Ansible's order. */
export function groupaddArgv(p: GroupParams): string[] {
  const argv = ['groupadd'];
  if (p.gid !== undefined) argv.push('-g', String(p.gid), ...(p.nonUnique ? ['-o'] : []));
  if (p.system) argv.push('-r');
  return [...argv, p.name];
}

/**
 * The fact: the group's entry (`had …`), or `none`; a group that is wanted and missing is
 * added right here (not in check mode), so that what is returned is what groupadd made
 * (`made RC`, then `now …`): its gid is only known afterwards. One that is not wanted is
 * removed here too (`gone RC`).
 */
export function groupFactCommand(p: GroupParams, check: boolean): string {
  const name = quoteArg(p.name);
  // An unwanted group is removed during the read too: Ansible's failure then carries only name and msg.
  const remove = p.state === 'absent' && !check ? ` ${quoteArgv(['groupdel', p.name])} >/dev/null; echo "gone $?";` : '';
  const lines = [`if e=$(getent group ${name}); then printf 'had %s\\n' "$e";${remove} exit 0; fi`, 'echo none'];
  if (p.state === 'present' && !check) {
    lines.push(`${quoteArgv(groupaddArgv(p))}; rc=$?`, 'echo "made $rc"', `e=$(getent group ${name}) && printf 'now %s\\n' "$e"`, 'exit 0');
  }
  return lines.join('\n');
}

/** A failing groupmod (usermod, chpasswd) as Ansible reports it: its stderr as msg (the engine trims it; Ansible's ends in a newline), and the name. */
export const commandFailure = (name: string): ActionFailure => ({ msg: '{stderr}\n', returns: { name } });

export function planGroup(p: GroupParams, facts: FactResults, ctx: Pick<PlanContext, 'check'>): Plan {
  const fact = facts.group;
  const out = fact.stdout;
  const had = tagged(out, 'had');
  const made = tagged(out, 'made');
  if (had === undefined && !out.split('\n').includes('none')) {
    throw new Error(`could not read group ${p.name} on the host: ${fact.stderr.trim() || `exit code ${fact.rc}`}`);
  }
  const current = had === undefined ? undefined : parseGroupLine(had);
  if (p.state === 'absent') {
    if (!current) return { changed: false, actions: [], returns: { name: p.name, state: p.state } };
    if (ctx.check) return { changed: true, actions: [] };
    const gone = tagged(out, 'gone');
    if (gone !== '0') return failPlan(fact.stderr, { name: p.name });
    return { changed: true, actions: [], returns: { name: p.name, state: p.state } };
  }
  if (!current) {
    if (ctx.check || made === undefined) return { changed: true, actions: [] };
    if (made !== '0') return failPlan(fact.stderr, { name: p.name });
    const now = parseGroupLine(tagged(out, 'now') ?? '');
    if (!now) throw new Error(`groupadd added ${p.name} but getent cannot find it`);
    return { changed: true, actions: [], returns: { name: p.name, state: p.state, system: p.system, gid: now.gid } };
  }
  const base = { name: p.name, state: p.state, system: p.system };
  if (p.gid === undefined || p.gid === current.gid) return { changed: false, actions: [], returns: { ...base, gid: current.gid } };
  // Ansible's check mode reports the gid the group has now.
  if (ctx.check) return { changed: true, actions: [], returns: { ...base, gid: current.gid } };
  const argv = ['groupmod', '-g', String(p.gid), ...(p.nonUnique ? ['-o'] : []), p.name];
  return { changed: true, actions: [{ kind: 'exec', command: quoteArgv(argv), onFailure: commandFailure(p.name) }], returns: { ...base, gid: p.gid } };
}

/**
 * `group`: reads the group with getent, adds it with groupadd or removes it with groupdel
 * (during the read, to return what they made), changes its gid with groupmod, as Ansible's
 * group module does on Debian.
 */
export const groupModule: ModuleDefinition<GroupParams> = {
  name: 'group',
  params: groupParams,
  normalise: normaliseGroup,
  facts: (p, ctx) => [{ key: 'group', command: groupFactCommand(p, ctx.check), become: ctx.become }],
  plan: (p, facts, ctx) => planOrFail(() => planGroup(p, facts, ctx)),
};
