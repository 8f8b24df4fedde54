import { posix } from 'node:path';
import { formatMode } from './file-mode.js';
import { quoteArg, quotePathOperand } from '../shell/quote.js';

/** What a written file ends up as. */
export interface WrittenFile {
  readonly mode: number;
  /** `user` or `user:group`. */
  readonly owner?: string;
  /** The group alone (chgrp), when no owner is given. */
  readonly group?: string;
}

/**
 * A command that writes a file atomically in one go: what `source` prints (by default
 * `cat`, i.e. the command's stdin) goes to a private temporary file beside `dest`
 * (mktemp under umask 077), which gets its owner, then its mode, and is renamed over dest.
 * On any failure the temporary file is removed and the failing step's exit code kept.
 * Runs in a subshell, so the umask does not leak into what follows.
 */
export function writeFileCommand(dest: string, file: WrittenFile, source = 'cat'): string {
  const template = quotePathOperand(`${posix.dirname(dest)}/.tpx-XXXXXXXXXX`);
  const steps = [`${source} > "$t"`];
  if (file.owner !== undefined) steps.push(`chown -- ${quoteArg(file.owner)} "$t"`);
  else if (file.group !== undefined) steps.push(`chgrp -- ${quoteArg(file.group)} "$t"`);
  steps.push(`chmod ${formatMode(file.mode)} "$t"`, `mv -f -- "$t" ${quoteArg(dest)}`);
  return `(umask 077; t=$(mktemp ${template}) || exit $?; ${steps.join(' && ')} || { rc=$?; rm -f -- "$t"; exit $rc; })`;
}
