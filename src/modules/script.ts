import { basename } from 'node:path';
import type { ModuleDefinition } from './module.js';
import { chdirPrefix, readGuards } from './command.js';
import { expandFreeForm } from './free-form.js';
import { readLocalFile } from './local-file.js';
import { ModuleArgs, paramNames } from './module-args.js';
import { scriptParams } from './params/script.js';
import { planOrFail } from './plans.js';
import { remoteTempPath } from './remote-temp.js';
import { guardFacts, planGuardSkip, type RunGuards } from './run-guards.js';
import { quoteArg, quoteArgv } from './shell-quote.js';
import { splitShellWords } from './split-args.js';

/** Parameters of `script`: a local script, uploaded and run with arguments. */
export type ScriptParams = RunGuards & {
  /** Local path, relative to the playbook's directory (or its `files/`). */
  readonly path: string;
  readonly args: readonly string[];
  /** Runs the script as `executable path args` (e.g. `python3 -u`, split into words) instead of by its #! line. */
  readonly executable?: readonly string[];
};

const OPTION_KEYS = ['chdir', 'creates', 'removes', 'executable'];

/** `script: path/to/x.sh arg1 'arg 2'` (free form or `cmd`); arguments are never shell-expanded. */
export function normaliseScript(raw: Readonly<Record<string, unknown>>): ScriptParams {
  const free = expandFreeForm(raw, OPTION_KEYS);
  const args = new ModuleArgs('script', free.args, paramNames(scriptParams));
  if (free.rest !== undefined && args.has('cmd')) throw args.error("give either a free-form script line or 'cmd', not both", 'cmd');
  const words = splitOrThrow(args, 'cmd', free.rest ?? args.string('cmd') ?? '');
  if (words.length === 0 || words[0] === '') throw args.error("no script given (use a free-form line or 'cmd')", 'cmd');
  const executable = splitOrThrow(args, 'executable', args.string('executable') ?? '');
  return { path: words[0], args: words.slice(1), executable: executable.length ? executable : undefined, ...readGuards(args) };
}

function splitOrThrow(args: ModuleArgs, name: string, line: string): string[] {
  try {
    return splitShellWords(line);
  } catch (err) {
    throw args.error(`cannot split '${name}': ${(err as Error).message}`, name);
  }
}

/**
 * The run step: runs the uploaded script and removes it whatever happened, keeping the
 * script's exit code (the last exec is the task's result).
 */
export function scriptRunCommand(p: ScriptParams, remotePath: string): string {
  const run = [...(p.executable ?? []), remotePath, ...p.args];
  const body = p.chdir ? `(${chdirPrefix(p.chdir)}exec ${quoteArgv(run)})` : quoteArgv(run);
  return `${body}; rc=$?; rm -f -- ${quoteArg(remotePath)}; exit $rc`;
}

/** `script`: uploads a local script to a temporary file (mode 0700), runs it, removes it. */
export const scriptModule: ModuleDefinition<ScriptParams> = {
  name: 'script',
  doc: `Uploads a local script to a temporary file on the host, runs it with its arguments, then removes it.

- name: Collect the rules summary
  script: scripts/rules-summary.sh --table nat
  args:
    creates: /var/lib/tpx/summary.done
- script:
    cmd: tools/check.py --strict
    executable: python3`,
  normalise: normaliseScript,
  facts: (p, ctx) => guardFacts(p, ctx),
  plan: (p, facts, ctx) =>
    planOrFail(async () => {
      const skip = planGuardSkip(p, facts);
      if (skip) return skip;
      const local = await readLocalFile(p.path, ctx.playbookDir);
      const remote = remoteTempPath(basename(local.path));
      return {
        changed: true,
        actions: [
          { kind: 'put', content: local.content, path: remote, mode: 0o700, become: ctx.become },
          { kind: 'exec', command: scriptRunCommand(p, remote), become: ctx.become },
        ],
        resultFromLastExec: true,
        skipInCheckMode: true,
      };
    }),
};
