import { posix } from 'node:path';
import type { Action, FactResults, ModuleDefinition, Plan, PlanContext } from './module.js';
import { compareAttributes, attributeCommand, entryAttributeCommand, hasAttributeChanges, stateDiff } from './file-attributes.js';
import { formatMode } from './file-mode.js';
import { readLocalFile } from './local-file.js';
import { ModuleArgs, paramNames } from './module-args.js';
import { copyParams } from './params/copy.js';
import { parsePathState, pathStateScript } from './path-state.js';
import { failPlan, planOrFail } from './plans.js';
import { quoteArg } from '../shell/quote.js';
import { contentDiff } from './content-diff.js';
import { sha256Of } from './content-hash.js';
import { editedPathRead, replacedFile, unpinnedFileRefusal, writeFileCommand } from './write-file-command.js';
import { backupStep } from './backup-file.js';
import { validateCommand } from './validate-command.js';
import { createHash } from 'node:crypto';
import { CHECKSUM_MISMATCH, planRemoteCopy, remoteCopyFacts } from './copy-remote.js';
import type { CopyParams, CopyWriteOptions } from './copy-params.js';

export type { CopyParams, CopyWriteOptions } from './copy-params.js';

const sha1Of = (content: Buffer): string => createHash('sha1').update(content).digest('hex');

/** Largest file whose text is read and compared for --diff. */
export const DIFF_MAX_BYTES = 64 * 1024;

export function normaliseCopy(raw: Readonly<Record<string, unknown>>): CopyParams {
  const args = new ModuleArgs('copy', raw, paramNames(copyParams));
  const rawContent = args.raw('content');
  const content = rawContent !== undefined && typeof rawContent === 'object' ? JSON.stringify(rawContent) : args.string('content');
  const src = args.string('src') || undefined;
  if ((content === undefined) === (src === undefined)) throw args.error("give exactly one of 'content' or 'src'", 'content');
  const remoteSrc = args.bool('remote_src', false);
  if (remoteSrc && src === undefined) throw args.error("remote_src needs 'src' (a file on the host)", 'remote_src');
  if (remoteSrc && src?.endsWith('/'))
    throw args.error(`src '${src}' is a directory: copying a directory with remote_src is not supported yet (copy its files one by one)`, 'src');
  let dest = args.requiredString('dest');
  const createDestDir = remoteSrc && dest.endsWith('/');
  if (dest.endsWith('/')) {
    if (src === undefined) throw args.error(`'dest' ${dest} is a directory; 'content' needs a file name`, 'dest');
    dest = posix.join(dest, posix.basename(src));
  }
  const write = normaliseCopyWrite(args);
  if (write.mode === 'preserve' && src === undefined) throw args.error("mode 'preserve' needs 'src'", 'mode');
  const validate = args.string('validate') || undefined;
  if (validate !== undefined && !validate.includes('%s')) throw args.error(`validate must contain %s: ${validate}`, 'validate');
  const checksum = args.string('checksum') || undefined;
  return {
    content,
    src,
    remoteSrc,
    ...(createDestDir ? { createDestDir } : {}),
    dest,
    ...write,
    ...(validate !== undefined ? { validate: validateCommand(validate) } : {}),
    ...(checksum !== undefined ? { checksum: checksum.toLowerCase() } : {}),
  };
}

/** Reads mode (or preserve), owner, group, backup and force, as copy and template take them. */
export function normaliseCopyWrite(args: ModuleArgs): CopyWriteOptions {
  return {
    mode: args.string('mode') === 'preserve' ? 'preserve' : args.mode('mode'),
    owner: args.string('owner') || undefined,
    group: args.string('group') || undefined,
    backup: args.bool('backup', false),
    force: args.bool('force', true),
  };
}

/**
 * One command: whether dest is a directory (then src's name inside it is the target),
 * whether the target's parent exists, and the target's type, mode, owner and sha256
 * (and its text with --diff).
 */
export function copyFactCommand(p: Pick<CopyParams, 'dest' | 'src' | 'owner'>, diff: boolean): string {
  // Read where the walk checked it (editedPathRead): another user's link on the way, or at the
  // name to a file not theirs, never chooses what root hashes and shows in a diff.
  const read = (dest: string): string => `${editedPathRead(dest, p.owner)}[ -d "\${r%/*}/" ] || echo tpx-no-parent; `;
  const target =
    p.src !== undefined
      ? `if [ -d ${quoteArg(p.dest)} ]; then echo tpx-into-dir; ${read(posix.join(p.dest, posix.basename(p.src)))}else ${read(p.dest)}fi; `
      : read(p.dest);
  const state = pathStateScript({ follow: true, sha256: true, contentUpTo: diff ? DIFF_MAX_BYTES : undefined, unpinnedFile: unpinnedFileRefusal(p.dest) });
  return `${target}${state}`;
}

async function planCopy(p: CopyParams, facts: FactResults, ctx: PlanContext): Promise<Plan> {
  const local = p.src !== undefined ? await readLocalFile(p.src, ctx) : undefined;
  const content = local ? local.content : Buffer.from(p.content ?? '', 'utf8');
  const mode = p.mode === 'preserve' ? local?.mode : p.mode;
  const plan = planCopyContent({ ...p, mode }, content, facts, ctx);
  // Ansible checks the sum of the file it transferred: only when it is written.
  if (p.checksum !== undefined && plan.actions.length > 0) {
    const actual = sha1Of(content);
    if (actual !== p.checksum) return failPlan(CHECKSUM_MISMATCH, { checksum: actual, expected_checksum: p.checksum });
  }
  return plan;
}

/** Where and how a module that writes whole files (copy, template) puts its content. */
export type CopyTarget = Pick<CopyParams, 'dest' | 'src' | 'owner' | 'group' | 'backup' | 'force'> & {
  readonly mode?: number;
  /** A validate command as shell, the new file being "$t" (validateCommand). */
  readonly validate?: string;
};

/**
 * The plan of writing `content` to the target, given the fact of copyFactCommand: nothing when
 * the file is the same, its mode and owner set when only they differ, else an atomic write.
 */
export function planCopyContent(p: CopyTarget, content: Buffer, facts: FactResults, ctx: PlanContext): Plan {
  const fact = facts.dest;
  const state = parsePathState(fact);
  const flags = fact.stdout.slice(0, fact.stdout.indexOf('tpx-stat '));
  const dest = flags.includes('tpx-into-dir') && p.src !== undefined ? posix.join(p.dest, posix.basename(p.src)) : p.dest;
  const mode = p.mode;
  const hash = sha256Of(content);
  const returns: Record<string, unknown> = { dest, sha256: hash, size: content.length };
  if (flags.includes('tpx-no-parent')) return failPlan(`destination directory ${posix.dirname(dest)} does not exist`, returns);
  if (state.type === 'directory' || state.type === 'other') return failPlan(`dest ${dest} exists and is not a regular file (${state.type})`, returns);
  if (state.sha256 === 'unreadable') return failPlan(`cannot read ${dest} to compare it (permission denied? try become)`, returns);
  const exists = state.type === 'file';
  if (exists && !p.force) return { changed: false, actions: [], msg: `${dest} exists; not replaced (force: false)`, returns };

  const want = { mode, owner: p.owner, group: p.group };
  if (exists && state.sha256 === hash) {
    const changes = compareAttributes(state, want);
    if (!hasAttributeChanges(changes)) return { changed: false, actions: [], returns };
    const diff = ctx.diff
      ? stateDiff(dest, attrs(state.mode, state.user, state.group, want), attrs(mode ?? state.mode, p.owner ?? state.user, p.group ?? state.group, want))
      : undefined;
    return {
      changed: true,
      // In dest's directory entered by the walk root writes by, through dest's file opened there (a link of ours at dest followed).
      actions: [
        {
          kind: 'exec',
          command: entryAttributeCommand(dest, changes, { asked: p.owner, follow: true })!,
          become: ctx.become,
          display: attributeCommand(dest, changes),
        },
      ],
      msg: changes.notes.join(', '),
      diff,
      returns,
    };
  }

  let backup = '';
  if (p.backup && exists) {
    const step = backupStep(dest, undefined, p.owner);
    backup = `${step.command} && `;
    returns.backup_file = step.file;
  }
  const write = writeFileCommand(
    dest,
    replacedFile({ mode: mode ?? (exists ? state.mode : undefined), owner: p.owner, group: p.group }, state, ctx.become),
    'cat',
    p.validate,
  );
  // Shown (and named in a failure) as what it does; the generated script is long.
  const display = `${backup}write ${quoteArg(dest)} (${content.length} bytes from stdin)`;
  const actions: Action[] = [{ kind: 'exec', command: `${backup}${write}`, stdin: content, become: ctx.become, display }];
  const diff = ctx.diff ? contentDiff(dest, state, content, DIFF_MAX_BYTES) : undefined;
  return { changed: true, actions, msg: exists ? 'content changed' : 'created', diff, returns };
}

function attrs(
  mode: number | undefined,
  owner: string | undefined,
  group: string | undefined,
  want: { mode?: number; owner?: string; group?: string },
): Record<string, string | undefined> {
  return {
    mode: want.mode !== undefined && mode !== undefined ? formatMode(mode) : undefined,
    owner: want.owner !== undefined ? owner : undefined,
    group: want.group !== undefined ? group : undefined,
  };
}

/** `copy`: writes a file on the host from inline content or a local file; changed only when sha256, mode or owner differs. */
export const copyModule: ModuleDefinition<CopyParams> = {
  name: 'copy',
  params: copyParams,
  normalise: normaliseCopy,
  facts: (p, ctx) => (p.remoteSrc ? remoteCopyFacts(p, ctx) : [{ key: 'dest', command: copyFactCommand(p, ctx.diff), become: ctx.become }]),
  plan: (p, facts, ctx) => planOrFail(() => (p.remoteSrc ? planRemoteCopy(p, facts, ctx) : planCopy(p, facts, ctx))),
};
