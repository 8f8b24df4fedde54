import type { ModuleArgs } from './module-args.js';
import { validateCommand } from './validate-command.js';

/** How a module that edits a file in place (blockinfile, replace) writes it back. */
export interface FileEditOptions {
  readonly backup: boolean;
  /** The validate command as shell, the new file being "$t". */
  readonly validate?: string;
  readonly mode?: number;
  readonly owner?: string;
  readonly group?: string;
}

/** Reads backup, validate (which must name the new file as %s), mode, owner and group. */
export function normaliseFileEditOptions(args: ModuleArgs): FileEditOptions {
  const validate = args.string('validate');
  if (validate !== undefined && !validate.includes('%s')) throw args.error(`validate must contain %s: ${validate}`, 'validate');
  return {
    backup: args.bool('backup', false),
    validate: validate === undefined ? undefined : validateCommand(validate),
    mode: args.mode('mode'),
    owner: args.string('owner') || undefined,
    group: args.string('group') || undefined,
  };
}

const ATTRIBUTES_CHANGED = 'ownership, perms or SE linux context changed';

/** Ansible's msg for an edit: the edit's own, with its words for a mode or owner that changed too (or alone). */
export function fileEditMsg(msg: string, contentChanged: boolean, attributesChanged: boolean): string {
  if (!attributesChanged) return msg;
  return contentChanged ? `${msg} and ${ATTRIBUTES_CHANGED}` : ATTRIBUTES_CHANGED;
}
