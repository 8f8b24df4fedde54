import type { Action, FactResults, ModuleDefinition, Plan, PlanContext } from './module.js';
import { attributeCommand, compareAttributes, entryAttributeCommand, hasAttributeChanges, stateDiff, type AttributeChanges } from './file-attributes.js';
import { formatMode } from './file-mode.js';
import { ModuleArgs, paramNames } from './module-args.js';
import { fileParams } from './params/file.js';
import { parsePathState, pathStateCommand, type PathState } from './path-state.js';
import { failPlan, planOrFail } from './plans.js';
import { quoteArg } from '../shell/quote.js';

export type FileState = 'file' | 'directory' | 'link' | 'absent' | 'touch';

/** Parameters of `file`: the state a path should be in. */
export type FileParams = {
  readonly path: string;
  readonly state: FileState;
  /** Target of a link. */
  readonly src?: string;
  readonly mode?: number;
  readonly owner?: string;
  readonly group?: string;
  /** link: replace an existing regular file with the link. */
  readonly force: boolean;
  /** touch: update the modification / access time (Ansible's default), or `preserve` them. */
  readonly modificationTime: 'now' | 'preserve';
  readonly accessTime: 'now' | 'preserve';
  /** file/directory/touch: act on what a link points to (Ansible's default). */
  readonly follow: boolean;
  /** directory: apply mode, owner and group to everything inside too. */
  readonly recurse: boolean;
};

const STATES: readonly FileState[] = ['file', 'directory', 'link', 'absent', 'touch'];

export function normaliseFile(raw: Readonly<Record<string, unknown>>): FileParams {
  const args = new ModuleArgs('file', raw, paramNames(fileParams, ['recurse']), { dest: 'path', name: 'path' });
  const state = args.oneOf('state', STATES, 'file');
  const recurse = args.bool('recurse', false);
  if (recurse && state !== 'directory') throw args.error("'recurse' is only used with state 'directory'", 'recurse');
  const src = args.string('src') || undefined;
  if (state === 'link' && src === undefined) throw args.error("state 'link' needs 'src' (what the link points to)", 'src');
  if (state !== 'link' && src !== undefined) throw args.error(`'src' is only used with state 'link', not '${state}'`, 'src');
  return {
    path: args.requiredString('path'),
    state,
    src,
    mode: args.mode('mode'),
    owner: args.string('owner') || undefined,
    group: args.string('group') || undefined,
    force: args.bool('force', false),
    modificationTime: args.oneOf('modification_time', ['now', 'preserve'], 'now'),
    accessTime: args.oneOf('access_time', ['now', 'preserve'], 'now'),
    follow: args.bool('follow', true),
    recurse,
  };
}

/** One command reporting the path's type, mode, owner (and link target for links). */
export function fileFactCommand(p: FileParams): string {
  const own = p.state === 'link' || p.state === 'absent';
  return pathStateCommand(p.path, { follow: !own && p.follow, readlink: p.state === 'link' });
}

/**
 * With recurse: a script (run after the path-state fact, which set `p`) printing `tpx-tree`,
 * the first path under the directory whose mode, owner or group differs from the wanted ones
 * (nothing when all match), and find's exit code; undefined when none is set.
 */
export function treeDriftScript(p: FileParams): string | undefined {
  const tests = [
    ...(p.owner !== undefined ? [`! -user ${quoteArg(p.owner)}`] : []),
    ...(p.group !== undefined ? [`! -group ${quoteArg(p.group)}`] : []),
    ...(p.mode !== undefined ? [`! -perm ${formatMode(p.mode)}`] : []),
  ];
  if (!p.recurse || tests.length === 0) return undefined;
  return `if [ -d "$p" ]; then echo ${TREE_MARK}; find "$p" \\( ${tests.join(' -o ')} \\) -print -quit; echo "${TREE_MARK}-rc $?"; fi`;
}

const TREE_MARK = 'tpx-tree';

/** What the tree part of the fact found: find's exit code and whether anything drifted. */
function readTreeDrift(payload: string): { rc: number; drift: boolean } | undefined {
  if (!payload.startsWith(`${TREE_MARK}\n`)) return undefined;
  const end = /(?:^|\n)tpx-tree-rc (\d+)\n?$/.exec(payload);
  if (!end) return { rc: 1, drift: false };
  const found = payload.slice(TREE_MARK.length + 1, end.index);
  return { rc: Number(end[1]), drift: found.trim() !== '' };
}

/** The one fact command: the path's state, and with recurse what in the tree drifted. */
function factCommand(p: FileParams): string {
  const tree = treeDriftScript(p);
  return tree ? `${fileFactCommand(p)}; ${tree}` : fileFactCommand(p);
}

/** chmod -R / chown -R (chgrp -R) of a whole tree. */
function recursiveAttributeCommand(p: FileParams): string {
  const q = quoteArg(p.path);
  const steps: string[] = [];
  if (p.mode !== undefined) steps.push(`chmod -R ${formatMode(p.mode)} -- ${q}`);
  if (p.owner !== undefined) steps.push(`chown -R -- ${quoteArg(p.group !== undefined ? `${p.owner}:${p.group}` : p.owner)} ${q}`);
  else if (p.group !== undefined) steps.push(`chgrp -R -- ${quoteArg(p.group)} ${q}`);
  return steps.join(' && ');
}

function planFile(p: FileParams, facts: FactResults, ctx: PlanContext): Plan {
  const state = parsePathState(facts.path);
  const returns = { path: p.path, state: p.state === 'touch' ? 'file' : p.state };
  const describe = (type: string, s: PathState | undefined, mode?: number, owner?: string, group?: string): Record<string, string | undefined> => ({
    state: type,
    ...(p.src !== undefined ? { src: type === 'link' ? (s?.target ?? p.src) : undefined } : {}),
    mode: p.mode !== undefined && mode !== undefined && type !== 'link' ? formatMode(mode) : undefined,
    owner: p.owner !== undefined ? owner : undefined,
    group: p.group !== undefined ? group : undefined,
  });
  const diffOf = (after: Record<string, string | undefined>): string | undefined =>
    ctx.diff
      ? stateDiff(p.path, state.type === 'absent' ? { state: 'absent' } : describe(state.type, state, state.mode, state.user, state.group), after)
      : undefined;
  const afterWanted = (type: string): Record<string, string | undefined> =>
    describe(type, undefined, p.mode ?? state.mode, p.owner ?? state.user, p.group ?? state.group);
  const run = (commands: (string | undefined)[], msg: string, after: Record<string, string | undefined>): Plan => {
    // One exec for all the steps: one channel and one sudo.
    const command = commands.filter((c): c is string => c !== undefined).join(' && ');
    const actions: Action[] = [{ kind: 'exec', command, become: ctx.become }];
    return { changed: true, actions, msg, diff: diffOf(after), returns };
  };
  const all: AttributeChanges = { mode: p.mode, owner: p.owner, group: p.group, notes: [] };
  const q = quoteArg(p.path);

  switch (p.state) {
    case 'absent':
      if (state.type === 'absent') return { changed: false, actions: [], returns };
      return run([`rm -rf -- ${q}`], `removed ${state.type}`, { state: 'absent' });
    case 'directory':
      if (state.type === 'absent') return run([`mkdir -p -- ${q}`, attributeCommand(p.path, all)], 'directory created', afterWanted('directory'));
      if (state.type !== 'directory') return failPlan(`${p.path} exists and is a ${state.type}, not a directory`, returns);
      if (p.recurse) {
        const tree = readTreeDrift(state.payload);
        if (tree && tree.rc !== 0) return failPlan(`could not check the tree under ${p.path}: ${facts.path.stderr.trim() || `exit code ${tree.rc}`}`, returns);
        if (tree?.drift) return run([recursiveAttributeCommand(p)], `mode/owner fixed under ${p.path}`, afterWanted('directory'));
      }
      return fixAttributes(p, state, ctx, returns, diffOf(afterWanted('directory')));
    case 'file':
      if (state.type === 'absent') return failPlan(`file ${p.path} is absent, cannot continue (use state: touch to create it)`, returns);
      if (state.type !== 'file') return failPlan(`${p.path} is a ${state.type}, not a file`, returns);
      return fixAttributes(p, state, ctx, returns, diffOf(afterWanted('file')));
    case 'touch': {
      if (state.type === 'absent') return run([`touch -- ${q}`, attributeCommand(p.path, all)], 'file created', afterWanted('file'));
      const times = [p.accessTime === 'now' ? '-a' : '', p.modificationTime === 'now' ? '-m' : ''].filter(Boolean);
      const changes = compareAttributes(state, p);
      if (times.length === 0) return fixAttributes(p, state, ctx, returns, diffOf(afterWanted(state.type)));
      // touch -a -m is plain touch; -c never creates a file that vanished meanwhile.
      return run(
        [`touch -c ${times.length === 2 ? '' : `${times[0]} `}-- ${q}`, attributeCommand(p.path, changes)],
        ['times updated', ...changes.notes].join(', '),
        afterWanted(state.type),
      );
    }
    case 'link': {
      const src = p.src!;
      const linkChanges = compareAttributes(state, { owner: p.owner, group: p.group });
      if (state.type === 'link' && state.target === src) {
        if (!hasAttributeChanges(linkChanges)) return { changed: false, actions: [], returns };
        return run([attributeCommand(p.path, linkChanges, { link: true })], linkChanges.notes.join(', '), afterWanted('link'));
      }
      if (state.type === 'directory') return failPlan(`${p.path} is a directory; refusing to replace it with a link`, returns);
      if ((state.type === 'file' || state.type === 'other') && !p.force) {
        return failPlan(`refusing to convert ${p.path} from a ${state.type} to a link (set force: true to replace it)`, returns);
      }
      const owner = { mode: undefined, owner: p.owner, group: p.group, notes: [] };
      const verb = state.type === 'link' ? `link retargeted from ${state.target} to ${src}` : `link to ${src} created`;
      return run([`ln -sfn -- ${quoteArg(src)} ${q}`, attributeCommand(p.path, owner, { link: true })], verb, { ...afterWanted('link'), src });
    }
  }
}

/**
 * The mode and owner of an existing file or directory are changed as root changes any file's
 * (entryAttributeCommand: another user's link on the way, or their entry in a world-writable
 * directory, never chooses what is changed); anything else by its path.
 */
function fixAttributes(p: FileParams, state: PathState, ctx: PlanContext, returns: Record<string, unknown>, diff: string | undefined): Plan {
  const changes = compareAttributes(state, p);
  if (!hasAttributeChanges(changes)) return { changed: false, actions: [], returns };
  const display = attributeCommand(p.path, changes)!;
  const entry = state.type === 'file' || state.type === 'directory';
  const command = entry ? entryAttributeCommand(p.path, changes, { asked: p.owner, follow: p.follow, directory: state.type === 'directory' })! : display;
  return {
    changed: true,
    actions: [{ kind: 'exec', command, become: ctx.become, ...(entry ? { display } : {}) }],
    msg: changes.notes.join(', '),
    diff,
    returns,
  };
}

/** `file`: makes a path a directory, a link, absent, touched, or fixes a file's mode and owner. */
export const fileModule: ModuleDefinition<FileParams> = {
  name: 'file',
  params: fileParams,
  normalise: normaliseFile,
  facts: (p, ctx) => [{ key: 'path', command: factCommand(p), become: ctx.become }],
  plan: (p, facts, ctx) => planOrFail(() => planFile(p, facts, ctx)),
};
