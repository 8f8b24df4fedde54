import { toBool } from '../modules/module-args.js';
import { renderValue } from '../template/render.js';
import { varsFor, type TaskEnv } from './task-env.js';

/**
 * Whether a failure of the task is ignored on this host: `ignore_errors` as written, or its
 * template (`ignore_errors: "{{ ansible_check_mode }}"`, also inherited from a block)
 * rendered with the task's variables as they were before it ran, and read as Ansible reads a
 * boolean. A template that does not render, or not to a boolean, ignores nothing and says
 * why through `warn`.
 */
export function ignoresErrors(env: TaskEnv, warn: (msg: string) => void): boolean {
  const template = env.scope.ignoreErrorsTemplate;
  if (template === undefined) return env.scope.ignoreErrors === true;
  let value: unknown;
  try {
    value = renderValue(template, { vars: varsFor(env), host: env.host.name, task: env.name });
  } catch (error) {
    warn(`ignore_errors: ${JSON.stringify(template)} did not render (${error instanceof Error ? error.message : String(error)}); the failure is not ignored`);
    return false;
  }
  const yes = toBool(value);
  if (yes === undefined) warn(`ignore_errors: ${JSON.stringify(template)} rendered to ${JSON.stringify(value)}, not true or false; the failure is not ignored`);
  return yes === true;
}
