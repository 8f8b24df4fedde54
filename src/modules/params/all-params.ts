import { assertParams } from './assert.js';
import { commandParams } from './command.js';
import { copyParams } from './copy.js';
import { debugParams } from './debug.js';
import { failParams } from './fail.js';
import { fileParams } from './file.js';
import type { ModuleParams } from './module-params.js';
import { scriptParams } from './script.js';
import { setFactParams } from './set-fact.js';
import { shellParams } from './shell.js';
import { unarchiveParams } from './unarchive.js';

/** Every module a playbook may use, by name. */
export const MODULE_PARAMS: readonly ModuleParams[] = [
  commandParams,
  shellParams,
  scriptParams,
  copyParams,
  fileParams,
  unarchiveParams,
  assertParams,
  setFactParams,
  failParams,
  debugParams,
];

/** Ansible's fully qualified names are accepted too: `ansible.builtin.shell`. */
export const FQCN_PREFIX = 'ansible.builtin.';

/** The module name behind a task key (`ansible.builtin.shell` → `shell`), or undefined when it is no module. */
export function resolveModuleName(key: string): string | undefined {
  const name = key.startsWith(FQCN_PREFIX) ? key.slice(FQCN_PREFIX.length) : key;
  return MODULE_PARAMS.some((m) => m.name === name) ? name : undefined;
}
