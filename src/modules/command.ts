import type { ModuleDefinition, Plan, PlanContext } from './module.js';
import { ModuleArgs, paramNames } from './module-args.js';
import { commandParams } from './params/command.js';
import { guardFacts, planGuardSkip, type RunGuards } from './run-guards.js';
import { planOrFail } from './plans.js';
import { quoteArgv, quotePathOperand } from '../shell/quote.js';
import { splitShellWords } from './split-args.js';
import { expandFreeForm } from './free-form.js';

/** Parameters of `command`: an argv run without a shell. */
export type CommandParams = RunGuards & {
  readonly argv: readonly string[];
  readonly stdin?: string;
};

const OPTION_KEYS = ['chdir', 'creates', 'removes', 'stdin', 'stdin_add_newline'];

/**
 * `cmd` is split like a shell would (quotes, backslashes) but nothing is expanded; `argv`
 * (or `cmd` given as a list) is taken as is; `_raw_params` (Ansible's free form) may also carry `chdir=`, `creates=`...
 */
export function normaliseCommand(raw: Readonly<Record<string, unknown>>): CommandParams {
  const free = expandFreeForm(raw, OPTION_KEYS);
  const args = new ModuleArgs('command', free.args, paramNames(commandParams, ['stdin_add_newline']));
  const given = [free.rest !== undefined, args.has('cmd'), args.has('argv')].filter(Boolean).length;
  if (given > 1) throw args.error("give one of a free-form command, 'cmd' or 'argv'", 'argv');
  let argv: string[];
  if (args.has('argv') || Array.isArray(args.raw('cmd'))) {
    argv = args.stringList(args.has('argv') ? 'argv' : 'cmd') ?? [];
  } else {
    try {
      argv = splitShellWords(free.rest ?? args.string('cmd') ?? '');
    } catch (err) {
      throw args.error(`cannot split the command: ${(err as Error).message}`, 'cmd');
    }
  }
  if (argv.length === 0 || argv[0] === '') throw args.error("no command given (use a free-form command, 'cmd' or 'argv')", 'cmd');
  if (argv.some((a) => a.includes('\0'))) throw args.error('an argument contains a NUL byte, which no command can receive', 'argv');
  return { argv, ...readGuards(args), ...readStdin(args) };
}

/** chdir, creates, removes. */
export function readGuards(args: ModuleArgs): RunGuards {
  return { chdir: args.string('chdir') || undefined, creates: args.string('creates') || undefined, removes: args.string('removes') || undefined };
}

/** stdin, with the newline Ansible adds unless stdin_add_newline is false. */
export function readStdin(args: ModuleArgs): { stdin?: string } {
  const addNewline = args.bool('stdin_add_newline', true);
  const stdin = args.string('stdin');
  if (stdin === undefined) return {};
  return { stdin: addNewline ? `${stdin}\n` : stdin };
}

/** `cd DIR && ` when chdir is set. */
export function chdirPrefix(chdir: string | undefined): string {
  return chdir ? `cd ${quotePathOperand(chdir)} && ` : '';
}

/** The plan of a command-like module: run `command` (unless a guard skips it). */
export function planCommandLike(
  command: string,
  p: RunGuards & { stdin?: string },
  facts: Parameters<typeof planGuardSkip>[1],
  ctx: PlanContext,
  returns: Record<string, unknown>,
): Promise<Plan> {
  return planOrFail(() => {
    const skip = planGuardSkip(p, facts);
    if (skip) return skip;
    return {
      changed: true,
      actions: [{ kind: 'exec', command, become: ctx.become, ...(p.stdin !== undefined ? { stdin: p.stdin } : {}) }],
      resultFromLastExec: true,
      skipInCheckMode: true,
      returns,
    };
  });
}

/** `command`: runs a program with arguments, never through a shell. */
export const commandModule: ModuleDefinition<CommandParams> = {
  name: 'command',
  params: commandParams,
  normalise: normaliseCommand,
  facts: (p, ctx) => guardFacts(p, ctx),
  plan: (p, facts, ctx) => planCommandLike(`${chdirPrefix(p.chdir)}exec ${quoteArgv(p.argv)}`, p, facts, ctx, { cmd: p.argv }),
};
