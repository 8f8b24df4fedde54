import { randomBytes } from 'node:crypto';
import { exportLines } from './export-lines.js';

/** A command's environment sent on its stdin: shell code to run first, and the text it reads. */
export interface EnvironmentOnStdin {
  /** POSIX sh, before the command: reads lines up to the end line, then exports what they say. */
  readonly prelude: string;
  /** What goes first on the command's stdin (before the command's own input). */
  readonly data: string;
}

/**
 * The task's `environment` for a command, kept off every command line: on a host, another
 * local user sees a command's arguments (`ps`, sudo's log) but not its stdin. The values go
 * as `export NAME='value'` lines, quoted by tpx itself, up to a random end line; the shell
 * reads them a line at a time (`read` takes no byte past the newline, so the command's own
 * input stays where it was) and evaluates only that text. Undefined without an environment.
 */
export function environmentOnStdin(environment: Readonly<Record<string, string>> | undefined): EnvironmentOnStdin | undefined {
  const exports = exportLines(environment);
  if (exports === '') return undefined;
  let end = `tpx-env-${randomBytes(12).toString('hex')}`;
  while (exports.includes(end)) end = `tpx-env-${randomBytes(12).toString('hex')}`;
  const prelude = [
    `__tpx_e=${end} __tpx_c=''`,
    'while IFS= read -r __tpx_l; do [ "$__tpx_l" = "$__tpx_e" ] && break; __tpx_c="$__tpx_c$__tpx_l',
    '"; done',
    'eval "$__tpx_c"; unset __tpx_e __tpx_c __tpx_l',
    '',
  ].join('\n');
  return { prelude, data: `${exports}${end}\n` };
}

/** The command's own stdin after the environment's lines. */
export function withEnvironmentData(env: EnvironmentOnStdin | undefined, stdin: string | Buffer | undefined): string | Buffer | undefined {
  if (!env) return stdin;
  if (stdin === undefined) return env.data;
  return typeof stdin === 'string' ? env.data + stdin : Buffer.concat([Buffer.from(env.data), stdin]);
}
