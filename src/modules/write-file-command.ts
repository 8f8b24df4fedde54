import { posix } from 'node:path';
import { formatMode } from './file-mode.js';
import { quoteArg, quotePathOperand } from '../shell/quote.js';
import type { PathState } from './path-state.js';

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
 * With `validate` (a command reading the temporary file as "$t"), a file it refuses is never
 * moved into place. On any failure the temporary file is removed and the failing step's exit
 * code kept.
 * Runs in a subshell, so the umask does not leak into what follows.
 */
export function writeFileCommand(dest: string, file: WrittenFile, source = 'cat', validate?: string): string {
  const template = quotePathOperand(`${posix.dirname(dest)}/.tpx-XXXXXXXXXX`);
  const steps = [`${source} > "$t"`];
  // Ansible's message for a validation that fails; the file is not replaced.
  if (validate !== undefined) steps.push(`{ ${validate} || { rc=$?; echo "failed to validate: rc:$rc" >&2; (exit $rc); }; }`);
  if (file.owner !== undefined) steps.push(`chown -- ${quoteArg(file.owner)} "$t"`);
  else if (file.group !== undefined) steps.push(`chgrp -- ${quoteArg(file.group)} "$t"`);
  steps.push(`chmod ${formatMode(file.mode)} "$t"`, `mv -f -- "$t" ${quoteArg(dest)}`);
  return `(umask 077; t=$(mktemp ${template}) || exit $?; ${steps.join(' && ')} || { rc=$?; rm -f -- "$t"; exit $rc; })`;
}

/** The mode of a new file when none is given (Ansible's 0666 under the usual umask 022). */
export const NEW_FILE_MODE = 0o644;

/**
 * What a file written over `state` ends up as: the wanted mode (0644 for a new file without
 * one) and owner, else the file's current owner when written through sudo (it would
 * otherwise end up root's, where Ansible's atomic move keeps it); the group alone goes to chgrp.
 */
export function replacedFile(want: { mode?: number; owner?: string; group?: string }, state: PathState, become: boolean): WrittenFile {
  const exists = state.type === 'file';
  let owner = want.owner !== undefined && want.group !== undefined ? `${want.owner}:${want.group}` : want.owner;
  if (owner === undefined && want.group === undefined && exists && become) owner = `${state.uid}:${state.gid}`;
  return { mode: want.mode ?? NEW_FILE_MODE, owner, group: owner === undefined ? want.group : undefined };
}
