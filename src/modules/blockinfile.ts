import { posix } from 'node:path';
import { quoteArg } from '../shell/quote.js';
import { pyStr } from '../template/python-values.js';
import { backupStep } from './backup-file.js';
import { blockEdit, type BlockEdit } from './blockinfile-edit.js';
import { compareAttributes, hasAttributeChanges } from './file-attributes.js';
import { type FileEditOptions, fileEditMsg, normaliseFileEditOptions } from './file-edit-options.js';
import { attributeAction, lineinfileFactCommand, readTextFileFact } from './lineinfile.js';
import { ModuleArgs, paramNames } from './module-args.js';
import type { Action, FactResults, ModuleDefinition, Plan, PlanContext } from './module.js';
import { blockinfileParams } from './params/blockinfile.js';
import type { PathState } from './path-state.js';
import { failPlan, planOrFail } from './plans.js';
import { compilePythonRegex, fromBinary, toBinary } from './python-regex.js';
import { unifiedDiff } from './unified-diff.js';
import { makeDirectoryCommand, NEW_FILE_MODE, replacedFile, writeFileCommand } from './write-file-command.js';

/** Parameters of `blockinfile`: the edit, and the file it is made in; texts are binary strings (one char per byte), as Ansible works on bytes. */
export type BlockinfileParams = BlockEdit &
  FileEditOptions & {
    readonly path: string;
    readonly create: boolean;
  };

export function normaliseBlockinfile(raw: Readonly<Record<string, unknown>>): BlockinfileParams {
  const args = new ModuleArgs('blockinfile', raw, paramNames(blockinfileParams), { dest: 'path', destfile: 'path', name: 'path', content: 'block' });
  const text = (name: string, fallback: string): string => (args.has(name) ? pyStr(args.raw(name)) : fallback);
  if (args.has('insertbefore') && args.has('insertafter')) throw args.error('parameters are mutually exclusive: insertbefore|insertafter', 'insertafter');
  const regex = (name: string, value: string): RegExp => {
    try {
      return compilePythonRegex(value);
    } catch (err) {
      throw args.error(`'${name}': ${(err as Error).message}`, name);
    }
  };
  const after = args.has('insertafter') ? text('insertafter', '') : undefined;
  const before = args.has('insertbefore') ? text('insertbefore', '') : undefined;
  const pattern = after !== undefined && after !== 'EOF' ? after : before !== undefined && before !== 'BOF' ? before : undefined;
  const write = normaliseFileEditOptions(args);
  const marker = toBinary(text('marker', '# {mark} ANSIBLE MANAGED BLOCK'));
  return {
    path: args.requiredString('path'),
    present: args.oneOf('state', ['present', 'absent'], 'present') === 'present',
    block: toBinary(text('block', '')),
    begin: marker.split('{mark}').join(toBinary(text('marker_begin', 'BEGIN'))),
    end: marker.split('{mark}').join(toBinary(text('marker_end', 'END'))),
    insertAfter: after === undefined ? (before === undefined ? 'EOF' : undefined) : after === 'EOF' ? 'EOF' : regex('insertafter', after),
    insertBefore: before === undefined ? undefined : before === 'BOF' ? 'BOF' : regex('insertbefore', before),
    multiline: pattern !== undefined && /^\(\?[aiLsux]*m/.test(pattern),
    create: args.bool('create', false),
    ...write,
  };
}

function planBlockinfile(p: BlockinfileParams, facts: FactResults, ctx: PlanContext): Plan {
  const { real, state, content } = readTextFileFact(p, facts, 'blockinfile');
  if (state.type === 'directory') return failPlan(`Path ${p.path} is a directory !`, { rc: 256 });
  if (state.type === 'other') return failPlan(`Path ${p.path} is not a regular file`);
  const exists = state.type === 'file';
  if (!exists && !p.create) return failPlan(`Path ${p.path} does not exist !`, { rc: 257 });
  if (!exists && !p.present) return { changed: false, actions: [], msg: `File ${p.path} not present` };

  const edit = blockEdit(exists ? content : undefined, p);
  const diff =
    ctx.diff && edit.changed
      ? unifiedDiff(fromBinary(content), fromBinary(edit.text), { fromLabel: `${p.path} (content)`, toLabel: `${p.path} (content)` })
      : undefined;
  if (ctx.check && !exists) return { changed: edit.changed, actions: [], msg: edit.msg, diff };

  // Ansible sets mode and owner after the write: a new file starts as 0644, owned by whoever writes it.
  const current: PathState = exists ? state : { type: 'file', mode: NEW_FILE_MODE, payload: '', ...(ctx.become ? { user: ctx.becomeUser } : {}) };
  const attrs = compareAttributes(current, p);
  const attrsChanged = hasAttributeChanges(attrs);
  const msg = fileEditMsg(edit.msg, edit.changed, attrsChanged);
  if (!edit.changed) {
    if (!attrsChanged) return { changed: false, actions: [], msg };
    return { changed: true, actions: [attributeAction(real, attrs, p.owner, ctx)], msg, diff };
  }

  const returns: Record<string, unknown> = {};
  const steps: string[] = [];
  if (!exists) steps.push(makeDirectoryCommand(posix.dirname(real), real));
  if (p.backup && exists) {
    const step = backupStep(real, undefined, p.owner);
    steps.push(step.command);
    returns.backup_file = step.file;
  }
  const bytes = Buffer.from(edit.text, 'latin1');
  steps.push(writeFileCommand(real, replacedFile({ mode: p.mode ?? state.mode, owner: p.owner, group: p.group }, state, ctx.become), 'cat', p.validate));
  const display = `write ${quoteArg(real)} (${bytes.length} bytes from stdin)`;
  const actions: Action[] = [{ kind: 'exec', command: steps.join(' && '), stdin: bytes, become: ctx.become, display }];
  return { changed: true, actions, msg, diff, returns };
}

/** `blockinfile`: a block of lines between marker lines kept in a text file, as Ansible's. */
export const blockinfileModule: ModuleDefinition<BlockinfileParams> = {
  name: 'blockinfile',
  params: blockinfileParams,
  normalise: normaliseBlockinfile,
  facts: (p, ctx) => [{ key: 'file', command: lineinfileFactCommand(p), become: ctx.become }],
  plan: (p, facts, ctx) => planOrFail(() => planBlockinfile(p, facts, ctx)),
};
