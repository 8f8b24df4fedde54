import type { ModuleDefinition } from './module.js';
import { chdirPrefix, planCommandLike, readGuards, readStdin } from './command.js';
import { expandFreeForm } from './free-form.js';
import { ModuleArgs, paramNames } from './module-args.js';
import { shellParams } from './params/shell.js';
import { guardFacts, type RunGuards } from './run-guards.js';
import { quoteArg } from '../shell/quote.js';

/** Parameters of `shell`: a command line for `sh -c` (or `executable -c`). */
export type ShellParams = RunGuards & {
  readonly cmd: string;
  readonly executable: string;
  readonly stdin?: string;
};

const OPTION_KEYS = ['chdir', 'creates', 'removes', 'stdin', 'stdin_add_newline', 'executable'];

/** The command line comes from the free form (`_raw_params`) or `cmd`. */
export function normaliseShell(raw: Readonly<Record<string, unknown>>): ShellParams {
  const free = expandFreeForm(raw, OPTION_KEYS);
  const args = new ModuleArgs('shell', free.args, paramNames(shellParams, ['stdin_add_newline']));
  if (free.rest !== undefined && args.has('cmd')) throw args.error("give either a free-form command or 'cmd', not both", 'cmd');
  const cmd = free.rest ?? args.string('cmd') ?? '';
  if (cmd.trim() === '') throw args.error("no command given (use a free-form command or 'cmd')", 'cmd');
  return { cmd, executable: args.string('executable') || '/bin/sh', ...readGuards(args), ...readStdin(args) };
}

/** The remote command line: the script is one quoted argument of `sh -c`. */
export function shellCommandLine(p: ShellParams): string {
  return `${chdirPrefix(p.chdir)}exec ${quoteArg(p.executable)} -c ${quoteArg(p.cmd)}`;
}

/** `shell`: runs a command line through a shell on the host (pipes, redirections, $VARS). */
export const shellModule: ModuleDefinition<ShellParams> = {
  name: 'shell',
  params: shellParams,
  normalise: normaliseShell,
  facts: (p, ctx) => guardFacts(p, ctx),
  plan: (p, facts, ctx) => planCommandLike(shellCommandLine(p), p, facts, ctx, { cmd: p.cmd }),
};
