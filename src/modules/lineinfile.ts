import { posix } from 'node:path';
import { quoteArg } from '../shell/quote.js';
import { pyStr } from '../template/python-values.js';
import { backupStep } from './backup-file.js';
import { sha256Of } from './content-hash.js';
import { attributeCommand, type AttributeChanges, compareAttributes, entryAttributeCommand, hasAttributeChanges } from './file-attributes.js';
import { absentEdit, presentEdit, splitLinesKeepEnds, type EditResult } from './lineinfile-edit.js';
import { ModuleArgs, paramNames } from './module-args.js';
import type { Action, FactResults, ModuleDefinition, Plan, PlanContext } from './module.js';
import { lineinfileParams } from './params/lineinfile.js';
import { parsePathState, pathStateScript, type PathState } from './path-state.js';
import { failPlan, planOrFail } from './plans.js';
import { compilePythonRegex, fromBinary, toBinary } from './python-regex.js';
import { unifiedDiff } from './unified-diff.js';
import { validateCommand } from './validate-command.js';
import {
  editedPathRead,
  makeDirectoryCommand,
  unpinnedFileRefusal,
  NEW_FILE_MODE,
  replacedFile,
  untrustedRefusal,
  writeFileCommand,
} from './write-file-command.js';

/** Parameters of `lineinfile`; texts are binary strings (one char per byte), as Ansible works on bytes. */
export type LineinfileParams = {
  readonly path: string;
  readonly state: 'present' | 'absent';
  readonly regexp?: RegExp;
  readonly searchString?: string;
  readonly line?: string;
  readonly insertAfter?: RegExp | 'BOF' | 'EOF';
  readonly insertBefore?: RegExp | 'BOF';
  readonly backrefs: boolean;
  readonly create: boolean;
  readonly backup: boolean;
  readonly firstMatch: boolean;
  /** The validate command as shell, the new file being "$t". */
  readonly validate?: string;
  readonly mode?: number;
  readonly owner?: string;
  readonly group?: string;
};

/** Largest file lineinfile reads (its whole text travels in the fact's output). */
export const LINEINFILE_MAX_BYTES = 16 * 1024 * 1024;

const ATTRIBUTES_CHANGED = 'ownership, perms or SE linux context changed';

export function normaliseLineinfile(raw: Readonly<Record<string, unknown>>): LineinfileParams {
  const args = new ModuleArgs('lineinfile', raw, paramNames(lineinfileParams), {
    dest: 'path',
    destfile: 'path',
    name: 'path',
    regex: 'regexp',
    value: 'line',
  });
  const text = (name: string): string | undefined => (args.has(name) ? pyStr(args.raw(name)) : undefined);
  for (const [a, b] of [
    ['insertbefore', 'insertafter'],
    ['regexp', 'search_string'],
    ['backrefs', 'search_string'],
  ]) {
    if (args.has(a) && args.has(b)) throw args.error(`parameters are mutually exclusive: ${a}|${b}`, b);
  }
  const regex = (name: string, value: string): RegExp => {
    try {
      return compilePythonRegex(value);
    } catch (err) {
      throw args.error(`'${name}': ${(err as Error).message}`, name);
    }
  };
  const state = args.oneOf('state', ['present', 'absent'], 'present');
  const regexpText = text('regexp');
  const regexp = regexpText === undefined ? undefined : regex('regexp', regexpText);
  const searchString = text('search_string');
  const line = text('line');
  const backrefs = args.bool('backrefs', false);
  const after = text('insertafter');
  const before = text('insertbefore');
  if (state === 'present') {
    if (backrefs && regexp === undefined) throw args.error('regexp is required with backrefs=true', 'backrefs');
    if (line === undefined) throw args.error('line is required with state=present', 'line');
  } else if (regexp === undefined && searchString === undefined && line === undefined) {
    throw args.error('one of line, search_string, or regexp is required with state=absent', 'line');
  }
  const validate = args.string('validate');
  if (validate !== undefined && !validate.includes('%s')) throw args.error(`validate must contain %s: ${validate}`, 'validate');
  return {
    path: args.requiredString('path'),
    state,
    regexp,
    searchString: searchString === undefined ? undefined : toBinary(searchString),
    line: line === undefined ? undefined : toBinary(line),
    // Neither given: after the end of the file, as Ansible defaults it.
    insertAfter: after === 'EOF' || after === 'BOF' ? after : after !== undefined ? regex('insertafter', after) : before === undefined ? 'EOF' : undefined,
    insertBefore: before === 'BOF' ? before : before !== undefined ? regex('insertbefore', before) : undefined,
    backrefs,
    create: args.bool('create', false),
    backup: args.bool('backup', false),
    firstMatch: args.bool('firstmatch', false),
    validate: validate === undefined ? undefined : validateCommand(validate),
    mode: args.mode('mode'),
    owner: args.string('owner') || undefined,
    group: args.string('group') || undefined,
  };
}

/**
 * One command: the path a link leads to (where Ansible writes, NUL-terminated), then that
 * file's state, sha256 and (up to LINEINFILE_MAX_BYTES) its content. The path is resolved by
 * the walk root writes by, and the file read as it opened it (editedPathRead): it stops at another
 * user's link anywhere on the way (a link to /etc in /tmp), and at a link or file another
 * user may have put in a world-writable directory (/tmp) at its name: that user would choose
 * the file root edits.
 */
export function lineinfileFactCommand(p: Pick<LineinfileParams, 'path' | 'owner'>): string {
  const state = pathStateScript({ follow: true, sha256: true, contentUpTo: LINEINFILE_MAX_BYTES, unpinnedFile: unpinnedFileRefusal(p.path) });
  return `${editedPathRead(p.path, p.owner)}printf '%s\\0' "\${r:-/}"; ${state}`;
}

/** The fact read: where to write, the file's state, its content as a binary string (also blockinfile's). */
export function readTextFileFact(
  p: Pick<LineinfileParams, 'path'>,
  facts: FactResults,
  module = 'lineinfile',
): { real: string; state: PathState; content: string } {
  const fact = facts.file;
  const refused = untrustedRefusal(fact);
  if (refused !== undefined) throw new Error(refused);
  const nul = fact.stdout.indexOf('\0');
  const real = nul < 0 ? p.path : fact.stdout.slice(0, nul);
  const state = parsePathState({ ...fact, stdout: fact.stdout.slice(nul + 1) });
  if (state.type !== 'file') return { real, state, content: '' };
  if ((state.size ?? 0) > LINEINFILE_MAX_BYTES) {
    throw new Error(`${p.path} is ${state.size} bytes; ${module} reads files of up to ${LINEINFILE_MAX_BYTES / 1024 / 1024} MiB`);
  }
  if (state.sha256 === 'unreadable') throw new Error(`cannot read ${p.path} (permission denied? try become)`);
  if ((fact.stdoutDropped ?? 0) > 0) {
    throw new Error(`${p.path} is ${state.size} bytes, more than tpx_output_limit keeps; raise it for this task (vars: { tpx_output_limit: 16M })`);
  }
  const bytes = Buffer.from(state.payload, 'utf8');
  // The text came as UTF-8; a file that is not (or changed meanwhile) does not hash the same.
  if (sha256Of(bytes) !== state.sha256) throw new Error(`${p.path} is not UTF-8 text (or changed while it was read); ${module} leaves it alone`);
  return { real, state, content: bytes.toString('latin1') };
}

function planLineinfile(p: LineinfileParams, facts: FactResults, ctx: PlanContext): Plan {
  const { real, state, content } = readTextFileFact(p, facts);
  if (state.type === 'directory') return failPlan(`Path ${p.path} is a directory !`, { rc: 256 });
  if (state.type === 'other') return failPlan(`Path ${p.path} is not a regular file`);
  const exists = state.type === 'file';
  if (!exists && p.state === 'absent') return { changed: false, actions: [], msg: 'file not present' };
  if (!exists && !p.create) return failPlan(`Destination ${p.path} does not exist !`, { rc: 257 });

  const before = splitLinesKeepEnds(content);
  let edit: EditResult;
  let found: number | undefined;
  if (p.state === 'absent') {
    const result = absentEdit(before, p);
    edit = result;
    found = result.found;
  } else {
    edit = presentEdit(before, { ...p, line: p.line! });
  }
  const after = edit.lines.join('');
  const diff =
    ctx.diff && edit.changed
      ? unifiedDiff(fromBinary(content), fromBinary(after), { fromLabel: `${p.path} (content)`, toLabel: `${p.path} (content)` })
      : undefined;
  const returns: Record<string, unknown> = { backup: '', ...(found !== undefined ? { found } : {}) };
  if (ctx.check && !exists) return { changed: edit.changed, actions: [], msg: edit.msg, diff, returns };

  // Ansible sets mode and owner after the write: a new file starts as 0644, owned by whoever writes it.
  const current: PathState = exists ? state : { type: 'file', mode: NEW_FILE_MODE, payload: '', ...(ctx.become ? { user: ctx.becomeUser } : {}) };
  const attrs = compareAttributes(current, p);
  const attrsChanged = hasAttributeChanges(attrs);
  const msg = attrsChanged ? (edit.changed ? `${edit.msg} and ${ATTRIBUTES_CHANGED}` : ATTRIBUTES_CHANGED) : edit.msg;
  if (!edit.changed) {
    if (!attrsChanged) return { changed: false, actions: [], msg, returns };
    return { changed: true, actions: [attributeAction(real, attrs, p.owner, ctx)], msg, returns };
  }

  const steps: string[] = [];
  if (!exists) steps.push(makeDirectoryCommand(posix.dirname(real), real));
  if (p.backup && exists) {
    const step = backupStep(real, undefined, p.owner);
    steps.push(step.command);
    returns.backup = step.file;
  }
  const bytes = Buffer.from(after, 'latin1');
  steps.push(writeFileCommand(real, replacedFile({ mode: p.mode ?? state.mode, owner: p.owner, group: p.group }, state, ctx.become), 'cat', p.validate));
  const display = `write ${quoteArg(real)} (${bytes.length} bytes from stdin)`;
  const actions: Action[] = [{ kind: 'exec', command: steps.join(' && '), stdin: bytes, become: ctx.become, display }];
  return { changed: true, actions, msg, diff, returns };
}

/**
 * The action that sets only the attributes of `real` (the file the fact resolved, which is no
 * link: one there by now is refused), in its directory entered by the walk (entryAttributeCommand);
 * shown as the chmod/chown it does. Also blockinfile's and replace's.
 */
export function attributeAction(real: string, attrs: AttributeChanges, asked: string | undefined, ctx: PlanContext): Action {
  return { kind: 'exec', command: entryAttributeCommand(real, attrs, { asked })!, become: ctx.become, display: attributeCommand(real, attrs) };
}

/** `lineinfile`: one line present (added or replacing a match) or absent in a text file, as Ansible's. */
export const lineinfileModule: ModuleDefinition<LineinfileParams> = {
  name: 'lineinfile',
  params: lineinfileParams,
  normalise: normaliseLineinfile,
  facts: (p, ctx) => [{ key: 'file', command: lineinfileFactCommand(p), become: ctx.become }],
  plan: (p, facts, ctx) => planOrFail(() => planLineinfile(p, facts, ctx)),
};
