import { basename } from 'node:path';
import type { ModuleDefinition } from './module.js';
import { chdirPrefix, readGuards } from './command.js';
import { expandFreeForm } from './free-form.js';
import { readLocalFile } from './local-file.js';
import { ModuleArgs, paramNames } from './module-args.js';
import { scriptParams } from './params/script.js';
import { planOrFail } from './plans.js';
import { REMOTE_TMP_DIR } from './remote-temp.js';
import { guardFacts, planGuardSkip, type RunGuards } from './run-guards.js';
import { quoteArg } from '../shell/quote.js';
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

/** A file name safe to use unquoted inside the temporary directory, keeping the extension. */
function scriptFileName(localName: string): string {
  return (
    basename(localName)
      .replace(/[^A-Za-z0-9._-]/g, '_')
      .slice(-60) || 'script'
  );
}

/**
 * The whole task as one command, the script's content on its stdin: it goes to a fresh
 * private directory (mktemp -d, 0700) under /tmp, made executable, run with its arguments
 * (from chdir, in a subshell) with stdin from /dev/null — the channel's stdin was the
 * script —, then the directory is removed whatever happened, keeping the script's exit code.
 */
export function scriptRunCommand(p: ScriptParams, localName: string): string {
  const run = [...(p.executable ?? []).map(quoteArg), '"$f"', ...p.args.map(quoteArg)].join(' ');
  const body = p.chdir ? `(${chdirPrefix(p.chdir)}exec ${run})` : run;
  return [
    `d=$(mktemp -d ${REMOTE_TMP_DIR}/.tpx-XXXXXXXXXX) || exit $?`,
    `f="$d"/${scriptFileName(localName)}`,
    `if cat > "$f" && chmod 0700 "$f"; then ${body} < /dev/null; rc=$?; else rc=$?; fi`,
    'rm -rf -- "$d"',
    'exit $rc',
  ].join('; ');
}

/** `script`: sends a local script to a temporary file (mode 0700), runs it, removes it — one exec. */
export const scriptModule: ModuleDefinition<ScriptParams> = {
  name: 'script',
  params: scriptParams,
  normalise: normaliseScript,
  facts: (p, ctx) => guardFacts(p, ctx),
  plan: (p, facts, ctx) =>
    planOrFail(async () => {
      const skip = planGuardSkip(p, facts);
      if (skip) return skip;
      const local = await readLocalFile(p.path, ctx);
      return {
        changed: true,
        actions: [{ kind: 'exec', command: scriptRunCommand(p, local.path), stdin: local.content, become: ctx.become }],
        resultFromLastExec: true,
        skipInCheckMode: true,
      };
    }),
};
