import type { ModuleDefinition } from './module.js';
import { ModuleArgs, paramNames } from './module-args.js';
import { failParams } from './params/fail.js';
import { failPlan } from './plans.js';

/** Parameters of `fail`. */
export type FailParams = { readonly msg: string };

/** The message of a `fail` without `msg`, as in Ansible. */
export const DEFAULT_FAIL_MSG = 'Failed as requested from task';

export function normaliseFail(raw: Readonly<Record<string, unknown>>): FailParams {
  const args = new ModuleArgs('fail', raw, paramNames(failParams));
  const msg = args.raw('msg');
  return { msg: msg !== undefined && typeof msg === 'object' ? JSON.stringify(msg) : (args.string('msg') ?? DEFAULT_FAIL_MSG) };
}

/** `fail`: fails the host with a message (usually under a `when`). */
export const failModule: ModuleDefinition<FailParams> = {
  name: 'fail',
  params: failParams,
  local: true,
  normalise: normaliseFail,
  plan: (p) => failPlan(p.msg),
};
