import { quoteArg } from '../shell/quote.js';
import { pyStr } from '../template/python-values.js';
import { formatBytes, parseByteSize } from '../transport/byte-size.js';
import type { ExecResult } from '../transport/connection.js';
import { DEFAULT_OUTPUT_LIMIT, OUTPUT_LIMIT_VAR } from '../transport/output-capture.js';
import { backupStep } from './backup-file.js';
import { attributeCommand, compareAttributes, hasAttributeChanges } from './file-attributes.js';
import { type FileEditOptions, fileEditMsg, normaliseFileEditOptions } from './file-edit-options.js';
import { ModuleArgs, paramNames } from './module-args.js';
import type { Action, FactResults, ModuleDefinition, Plan, PlanContext } from './module.js';
import { replaceParams } from './params/replace.js';
import { parsePathState, pathStateCommand } from './path-state.js';
import { failPlan, planOrFail } from './plans.js';
import { answerCutMessage, answerText, hostPythonCommand } from './host-program.js';
import { unifiedDiff } from './unified-diff.js';
import { replacedFile, writeFileCommand } from './write-file-command.js';

/** The host side (host/replace.py): Python's re, as Ansible's replace runs it; input on stdin. */
export const REPLACE_COMMAND = hostPythonCommand('replace.py');
const ANSWER_MARK = 'tpx-replace-v1\n';

/** Parameters of `replace`. */
export type ReplaceParams = {
  readonly path: string;
  readonly regexp: string;
  readonly replace: string;
  readonly after?: string;
  readonly before?: string;
  readonly encoding: string;
} & FileEditOptions;

export function normaliseReplace(raw: Readonly<Record<string, unknown>>): ReplaceParams {
  const args = new ModuleArgs('replace', raw, paramNames(replaceParams), { dest: 'path', destfile: 'path', name: 'path' });
  const text = (name: string): string | undefined => (args.has(name) ? pyStr(args.raw(name)) : undefined);
  const write = normaliseFileEditOptions(args);
  const regexp = text('regexp');
  if (regexp === undefined) throw args.error('missing required arguments: regexp', 'regexp');
  return {
    path: args.requiredString('path'),
    regexp,
    replace: text('replace') ?? '',
    after: text('after') || undefined,
    before: text('before') || undefined,
    encoding: args.string('encoding') || 'utf-8',
    ...write,
  };
}

/**
 * Most bytes of a file replace reads: its new content (and with --diff its old one too) comes
 * back in base64, which must fit in the task's output limit.
 */
export function replaceMaxBytes(vars: Readonly<Record<string, unknown>>, diff: boolean): number {
  const limit = parseByteSize(vars[OUTPUT_LIMIT_VAR]) ?? DEFAULT_OUTPUT_LIMIT;
  return Math.max(0, Math.floor(((limit - 4096) * 3) / 4 / (diff ? 2 : 1)));
}

interface Answer {
  readonly real: string;
  readonly error?: 'directory' | 'absent' | 'large' | 'regexp' | 'encoding' | 'read' | 'untrusted';
  readonly size?: number;
  readonly message?: string;
  readonly changed?: boolean;
  readonly msg?: string;
  readonly section?: boolean;
  readonly new?: string;
  readonly old?: string;
}

function readAnswer(fact: ExecResult): Answer {
  if ((fact.stdoutDropped ?? 0) > 0) throw new Error(answerCutMessage(false));
  return JSON.parse(answerText(fact, { module: 'replace', mark: ANSWER_MARK }).split('\n', 1)[0]) as Answer;
}

function planReplace(p: ReplaceParams, facts: FactResults, ctx: PlanContext): Plan {
  const answer = readAnswer(facts.replace);
  switch (answer.error) {
    case 'directory':
      return failPlan(`Path ${p.path} is a directory !`, { rc: 256 });
    case 'absent':
      return failPlan(`Path ${p.path} does not exist !`, { rc: 257 });
    case 'large':
      return failPlan(
        `${p.path} is ${answer.size} bytes; replace reads files of up to ${formatBytes(replaceMaxBytes(ctx.vars, ctx.diff))} with ${OUTPUT_LIMIT_VAR} at ${formatBytes(parseByteSize(ctx.vars[OUTPUT_LIMIT_VAR]) ?? DEFAULT_OUTPUT_LIMIT)}; raise it for this task (vars: { ${OUTPUT_LIMIT_VAR}: 16M })`,
      );
    case 'read':
      return failPlan(`Unable to read the contents of ${p.path}: ${answer.message}`);
    case 'regexp':
    case 'encoding':
    case 'untrusted':
      return failPlan(answer.message ?? answer.error);
  }
  const returns = { rc: 0 };
  // A section that did not match ends the task before file attributes are looked at, as in Ansible.
  if (answer.section === false) return { changed: false, actions: [], msg: answer.msg, returns };
  const state = parsePathState(facts.state);
  const attrs = compareAttributes(state, p);
  const attrsChanged = hasAttributeChanges(attrs);
  const msg = fileEditMsg(answer.msg ?? '', answer.changed === true, attrsChanged);
  if (!answer.changed || answer.new === undefined) {
    if (!attrsChanged) return { changed: false, actions: [], msg, returns };
    return { changed: true, actions: [{ kind: 'exec', command: attributeCommand(answer.real, attrs)!, become: ctx.become }], msg, returns };
  }
  const bytes = Buffer.from(answer.new, 'base64');
  const diff =
    ctx.diff && answer.old !== undefined
      ? unifiedDiff(Buffer.from(answer.old, 'base64').toString('utf8'), bytes.toString('utf8'), { fromLabel: p.path, toLabel: p.path })
      : undefined;
  const steps: string[] = [];
  const result: Record<string, unknown> = { ...returns };
  if (p.backup) {
    const step = backupStep(answer.real);
    steps.push(step.command);
    result.backup_file = step.file;
  }
  steps.push(writeFileCommand(answer.real, replacedFile({ mode: p.mode ?? state.mode, owner: p.owner, group: p.group }, state, ctx.become), 'cat', p.validate));
  const display = `write ${quoteArg(answer.real)} (${bytes.length} bytes from stdin)`;
  const actions: Action[] = [{ kind: 'exec', command: steps.join(' && '), stdin: bytes, become: ctx.become, display }];
  return { changed: true, actions, msg, diff, returns: result };
}

/** `replace`: every match of a regexp in a file replaced, by Python's re on the host, as Ansible's. */
export const replaceModule: ModuleDefinition<ReplaceParams> = {
  name: 'replace',
  params: replaceParams,
  normalise: normaliseReplace,
  facts: (p, ctx) => [
    { key: 'state', command: pathStateCommand(p.path, { follow: true }), become: ctx.become },
    {
      key: 'replace',
      command: REPLACE_COMMAND,
      stdin: JSON.stringify({ ...p, validate: undefined, max: replaceMaxBytes(ctx.vars, ctx.diff), diff: ctx.diff }),
      become: ctx.become,
    },
  ],
  plan: (p, facts, ctx) => planOrFail(() => planReplace(p, facts, ctx)),
};
