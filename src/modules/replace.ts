import { quoteArg } from '../shell/quote.js';
import { pyStr } from '../template/python-values.js';
import { formatBytes, parseByteSize } from '../transport/byte-size.js';
import type { ExecResult } from '../transport/connection.js';
import { DEFAULT_OUTPUT_LIMIT, OUTPUT_LIMIT_VAR } from '../transport/output-capture.js';
import { backupStep } from './backup-file.js';
import { compareAttributes, hasAttributeChanges } from './file-attributes.js';
import { attributeAction } from './lineinfile.js';
import { type FileEditOptions, fileEditMsg, normaliseFileEditOptions } from './file-edit-options.js';
import { ModuleArgs, paramNames } from './module-args.js';
import type { Action, FactResults, ModuleDefinition, Plan, PlanContext } from './module.js';
import { replaceParams } from './params/replace.js';
import { parsePathState, pathStateScript, type PathState } from './path-state.js';
import { failPlan, planOrFail } from './plans.js';
import { answerCutMessage, answerText, hostPythonCommand } from './host-program.js';
import { unifiedDiff } from './unified-diff.js';
import { editedPathRead, replacedFile, unpinnedFileRefusal, untrustedRefusal, writeFileCommand } from './write-file-command.js';

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

/**
 * The fact on the file replace edits, run before the host program reads it: the path resolved
 * by the walk root writes by, read as it opened it (editedPathRead: another user's link anywhere on the way, or their
 * link or file at its name in a world-writable directory, is refused), NUL-terminated, then the
 * state of the file it leads to. From `/`, where the host program resolves the path too.
 */
export function replaceStateCommand(p: Pick<ReplaceParams, 'path' | 'owner'>): string {
  return `cd / || exit 1; ${editedPathRead(p.path, p.owner)}printf '%s\\0' "\${r:-/}"; ${pathStateScript({ follow: true, unpinnedFile: unpinnedFileRefusal(p.path) })}`;
}

/**
 * The host program's run: after the same walk as the state fact, which it ends with its refusal
 * (so nothing is read through another user's link), on the file the walk resolved, opened
 * where it was checked (editedPathRead: TPX_REPLACE_PATH is /proc/self/fd/4), from `/`.
 */
export function replaceReadCommand(p: Pick<ReplaceParams, 'path' | 'owner'>): string {
  // The program (started from /) reads the descriptor it inherits, or the path without /proc.
  return `cd / || exit 1; ${editedPathRead(p.path, p.owner)}case $p in /proc/*) ;; *) p=\${r:-/} ;; esac; TPX_REPLACE_PATH=$p; export TPX_REPLACE_PATH; ${REPLACE_COMMAND}`;
}

/** The file replace edits, as the state fact resolved it, and its state. */
function readState(p: ReplaceParams, fact: ExecResult): { real: string; state: PathState } {
  const nul = fact.stdout.indexOf('\0');
  return { real: nul < 0 ? p.path : fact.stdout.slice(0, nul), state: parsePathState({ ...fact, stdout: fact.stdout.slice(nul + 1) }) };
}

function planReplace(p: ReplaceParams, facts: FactResults, ctx: PlanContext): Plan {
  // The walk's refusal first: the host program may have followed the link it refuses.
  const refused = untrustedRefusal(facts.state);
  if (refused !== undefined) return failPlan(refused);
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
  const { real, state } = readState(p, facts.state);
  const attrs = compareAttributes(state, p);
  const attrsChanged = hasAttributeChanges(attrs);
  const msg = fileEditMsg(answer.msg ?? '', answer.changed === true, attrsChanged);
  const unchanged = !answer.changed || answer.new === undefined;
  if (unchanged && !attrsChanged) return { changed: false, actions: [], msg, returns };
  // The host program follows the path itself: what is changed must be the file the walk checked.
  if (answer.real !== real) {
    return failPlan(`${p.path} led to ${answer.real} when read, not to ${real} as checked (a link on its way changed meanwhile?); not changed: run it again`);
  }
  if (unchanged) {
    return { changed: true, actions: [attributeAction(real, attrs, p.owner, ctx)], msg, returns };
  }
  const bytes = Buffer.from(answer.new, 'base64');
  const diff =
    ctx.diff && answer.old !== undefined
      ? unifiedDiff(Buffer.from(answer.old, 'base64').toString('utf8'), bytes.toString('utf8'), { fromLabel: p.path, toLabel: p.path })
      : undefined;
  const steps: string[] = [];
  const result: Record<string, unknown> = { ...returns };
  if (p.backup) {
    const step = backupStep(real, undefined, p.owner);
    steps.push(step.command);
    result.backup_file = step.file;
  }
  steps.push(writeFileCommand(real, replacedFile({ mode: p.mode ?? state.mode, owner: p.owner, group: p.group }, state, ctx.become), 'cat', p.validate));
  const display = `write ${quoteArg(real)} (${bytes.length} bytes from stdin)`;
  const actions: Action[] = [{ kind: 'exec', command: steps.join(' && '), stdin: bytes, become: ctx.become, display }];
  return { changed: true, actions, msg, diff, returns: result };
}

/** `replace`: every match of a regexp in a file replaced, by Python's re on the host, as Ansible's. */
export const replaceModule: ModuleDefinition<ReplaceParams> = {
  name: 'replace',
  params: replaceParams,
  normalise: normaliseReplace,
  facts: (p, ctx) => [
    { key: 'state', command: replaceStateCommand(p), become: ctx.become },
    {
      key: 'replace',
      command: replaceReadCommand(p),
      stdin: JSON.stringify({ ...p, validate: undefined, max: replaceMaxBytes(ctx.vars, ctx.diff), diff: ctx.diff }),
      become: ctx.become,
    },
  ],
  plan: (p, facts, ctx) => planOrFail(() => planReplace(p, facts, ctx)),
};
