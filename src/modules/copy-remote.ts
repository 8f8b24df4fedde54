import { posix } from 'node:path';
import type { CopyParams } from './copy-params.js';
import { attributeCommand, compareAttributes, entryAttributeCommand, hasAttributeChanges } from './file-attributes.js';
import { formatMode } from './file-mode.js';
import type { Action, FactRequest, FactResults, Plan, PlanContext } from './module.js';
import { parsePathState, pathStateScript, type PathState } from './path-state.js';
import { failPlan } from './plans.js';
import { backupStep } from './backup-file.js';
import { makeDirectoryCommand, NEW_FILE_MODE, replacedFile, trustedSourceCheck, untrustedRefusal, writeFileCommand } from './write-file-command.js';
import { quoteArg } from '../shell/quote.js';

/** Ansible's message when the source's sha1 is not the `checksum` given. */
export const CHECKSUM_MISMATCH = 'Copied file does not match the expected checksum. Transfer failed.';

const SUMS = 'tpx-sums';
const UNREADABLE = 'tpx-src-unreadable';

/**
 * Shell that sets variable `s` to src and stops (exit 1, a message on stderr) at a link or
 * file another user may have put in a world-writable directory on the way to it, so that a
 * source read as root is never one that user chose.
 */
function sourceCheck(src: string): string {
  return `s=${quoteArg(src)}; ${trustedSourceCheck('s')}`;
}

/**
 * The facts of `copy remote_src`: the source on the host (type, mode, size, sha256, sha1 and
 * md5, read only after sourceCheck) and the target (dest, or src's name inside a directory
 * dest), not following a link there: Ansible replaces a link at dest by a file.
 */
export function remoteCopyFacts(p: CopyParams, ctx: PlanContext): FactRequest[] {
  const src = p.src ?? '';
  const sums =
    `if [ -f "$s" ] && [ ! -r "$s" ]; then echo ${UNREADABLE}; exit 0; fi; c=-; m=-; ` +
    `if [ -f "$s" ]; then c=$(sha1sum < "$s" | cut -d" " -f1) && m=$(md5sum < "$s" | cut -d" " -f1) || exit 1; fi; echo ${SUMS} "$c" "$m"; `;
  const into = `if [ -d "$p" ]; then p="$p"/${quoteArg(posix.basename(src))}; echo tpx-into-dir; fi; `;
  return [
    { key: 'src', command: `${sourceCheck(src)}${sums}p=$s; ${pathStateScript({ follow: true, sha256: true })}`, become: ctx.become },
    {
      key: 'dest',
      command: `p=${quoteArg(p.dest)}; ${into}[ -d "$(dirname -- "$p")" ] || echo tpx-no-parent; ${pathStateScript({ follow: false, sha256: true })}`,
      become: ctx.become,
    },
  ];
}

interface RemoteSource {
  readonly state: PathState;
  readonly checksum: string;
  readonly md5sum: string;
}

/** The source's state from its fact, or the message the task fails with. */
function readSource(p: CopyParams, facts: FactResults): RemoteSource | string {
  const fact = facts.src;
  const refused = untrustedRefusal(fact);
  if (refused) return refused;
  const lines = fact.stdout.split('\n');
  if (fact.rc === 0 && lines.includes(UNREADABLE)) return `Source ${p.src} not readable`;
  const state = parsePathState(fact);
  if (state.type === 'absent' || state.type === 'link') return `Source ${p.src} not found`;
  if (state.type === 'directory') return `src ${p.src} is a directory: copying a directory with remote_src is not supported yet (copy its files one by one)`;
  if (state.type !== 'file') return `Cannot copy invalid source '${p.src}': not a file`;
  const sums = lines.find((l) => l.startsWith(`${SUMS} `))?.split(' ') ?? [];
  const [checksum, md5sum] = [sums[1], sums[2]];
  if (!checksum || checksum === '-' || !md5sum) return `Source ${p.src} not readable`;
  return { state, checksum, md5sum };
}

/**
 * The plan of `copy remote_src` for a file, as Ansible 2.14's copy module decides: the task
 * fails on a missing or unreadable source, a sha1 other than `checksum`, or a missing parent
 * of dest; with `force: false` an existing dest is left alone ("file already exists");
 * otherwise dest is written when its content differs or it is a link, and its mode and owner
 * set when only they differ. No diff, as Ansible shows none for a remote source.
 */
export function planRemoteCopy(p: CopyParams, facts: FactResults, ctx: PlanContext): Plan {
  const source = readSource(p, facts);
  if (typeof source === 'string') return failPlan(source);
  const { state: src, checksum, md5sum } = source;
  if (p.checksum !== undefined && p.checksum !== checksum) return failPlan(CHECKSUM_MISMATCH, { checksum, expected_checksum: p.checksum });

  const fact = facts.dest;
  const flags = fact.stdout.slice(0, Math.max(0, fact.stdout.indexOf('tpx-stat ')));
  const state = parsePathState(fact);
  const dest = flags.includes('tpx-into-dir') ? posix.join(p.dest, posix.basename(p.src ?? '')) : p.dest;
  const sums = { dest, src: p.src, md5sum, checksum };
  const parent = posix.dirname(dest);
  const noParent = flags.includes('tpx-no-parent');
  if (noParent && !p.createDestDir) return failPlan(`Destination directory ${parent} does not exist`);
  // Ansible stops there in check mode, saying so.
  if (noParent && ctx.check) return { changed: true, actions: [], msg: `dest directory ${parent} would be created`, returns: { src: p.src } };
  const exists = state.type !== 'absent';
  if (exists && !p.force) return { changed: false, actions: [], msg: 'file already exists', returns: { src: p.src, dest, ...currentAttributes(state) } };
  if (state.type === 'directory' || state.type === 'other') return failPlan(`dest ${dest} exists and is not a regular file (${state.type})`, sums);
  if (state.sha256 === 'unreadable') return failPlan(`cannot read ${dest} to compare it (permission denied? try become)`, sums);

  const mode = p.mode === 'preserve' ? src.mode : p.mode;
  const want = { mode, owner: p.owner, group: p.group };
  const isFile = state.type === 'file';
  const returns: Record<string, unknown> = { ...sums, ...resultAttributes(want, state, src, ctx) };
  if (isFile && state.sha256 === src.sha256) {
    const changes = compareAttributes(state, want);
    if (!hasAttributeChanges(changes)) return { changed: false, actions: [], returns };
    // Not on a file another user may have put in a world-writable directory, nor through a link at dest or on its way.
    const command = entryAttributeCommand(dest, changes, { asked: p.owner })!;
    return { changed: true, actions: [{ kind: 'exec', command, become: ctx.become, display: attributeCommand(dest, changes) }], returns };
  }

  let backup = '';
  if (p.backup && isFile) {
    const step = backupStep(dest, undefined, p.owner);
    backup = `${step.command} && `;
    returns.backup_file = step.file;
  }
  const written = replacedFile({ ...want, mode: mode ?? (isFile ? state.mode : undefined) }, state, ctx.become);
  const stillFile = `[ -f "$s" ] || { echo ${quoteArg(`Source ${p.src} is not a regular file any more`)} >&2; exit 1; }; `;
  const write = writeFileCommand(dest, written, 'cat < "$s"', p.validate);
  const mkdir = noParent ? makeDirectories(parent, dest, p.owner, p.group) : '';
  const command = `(${sourceCheck(p.src ?? '')}${stillFile}${mkdir}${backup}${write})`;
  const display = `${backup}copy ${quoteArg(p.src ?? '')} to ${quoteArg(dest)} on the host`;
  const actions: Action[] = [{ kind: 'exec', command, become: ctx.become, display }];
  return { changed: true, actions, returns };
}

/**
 * Shell (ending in `;`) that creates `dir` and its missing parents, giving the new ones the
 * owner and group asked for (as Ansible gives them), or exits on failure: by the walk root
 * writes by (makeDirectoryCommand), one `mkdir` per directory from the last existing one,
 * each entered by its name: another user's link on the way is refused, and a name another user
 * took meanwhile (a link to /etc in /tmp) makes it fail instead of being followed.
 */
function makeDirectories(dir: string, shown: string, owner?: string, group?: string): string {
  const who = owner !== undefined ? `${owner}${group !== undefined ? `:${group}` : ''}` : group !== undefined ? `:${group}` : undefined;
  return `${makeDirectoryCommand(dir, shown, who)} || exit 1; `;
}

/** Ansible's path info of an existing dest. */
function currentAttributes(state: PathState): Record<string, unknown> {
  if (state.type === 'absent') return {};
  const { mode, user, group, uid, gid, size } = state;
  return { state: state.type, size, mode: mode !== undefined ? formatMode(mode) : undefined, owner: user, group, uid, gid };
}

/**
 * Ansible's path info of dest after the task (state, size, mode, owner and group where they
 * are known before anything runs), or `state: absent` for a dest that check mode leaves missing.
 */
function resultAttributes(
  want: { mode?: number; owner?: string; group?: string },
  state: PathState,
  src: PathState,
  ctx: PlanContext,
): Record<string, unknown> {
  const isFile = state.type === 'file';
  if (!isFile && ctx.check) return { state: 'absent' };
  const runner = ctx.become ? ctx.becomeUser : undefined;
  const owner = want.owner ?? (isFile ? state.user : runner);
  // A new file's group is its creator's primary group: known here for root alone.
  const group = want.group ?? (isFile ? state.group : runner === 'root' ? 'root' : undefined);
  const mode = want.mode ?? (isFile ? state.mode : NEW_FILE_MODE);
  return {
    state: 'file',
    size: src.size,
    ...(mode !== undefined ? { mode: formatMode(mode) } : {}),
    ...(owner !== undefined ? { owner } : {}),
    ...(group !== undefined ? { group } : {}),
    ...(isFile && want.owner === undefined ? { uid: state.uid } : {}),
    ...(isFile && want.group === undefined ? { gid: state.gid } : {}),
  };
}
