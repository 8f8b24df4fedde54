import type { ModuleDefinition, Plan, PlanContext } from './module.js';
import { assertParams } from './params/assert.js';
import { failPlan } from './plans.js';
import { isTruthy } from '../template/python-values.js';
import { ModuleArgs, paramNames, toBool } from './module-args.js';

/** Parameters of `assert`: expressions that must all hold. */
export type AssertParams = {
  readonly that: readonly string[];
  /** Message when an expression is false (Ansible's `fail_msg`, or its older `msg`). */
  readonly failMsg?: string;
  readonly successMsg?: string;
  readonly quiet: boolean;
};

/** The message of an `assert` that held, without `success_msg`, as in Ansible. */
export const DEFAULT_SUCCESS_MSG = 'All assertions passed';

export function normaliseAssert(raw: Readonly<Record<string, unknown>>): AssertParams {
  const args = new ModuleArgs('assert', raw, paramNames(assertParams), { msg: 'fail_msg' });
  const that = args.stringList('that') ?? [];
  if (that.length === 0 || that.some((e) => e.trim() === '')) throw args.error("'that' needs at least one expression, and none may be empty", 'that');
  return { that, failMsg: args.string('fail_msg'), successMsg: args.string('success_msg'), quiet: args.bool('quiet', false) };
}

/** As a `when` condition: a string spelled like a boolean ("false", "no") is that boolean, else Python truthiness. */
export function assertionHolds(value: unknown): boolean {
  return (typeof value === 'string' ? toBool(value) : undefined) ?? isTruthy(value);
}

/**
 * Evaluates each expression in order with the engine's evaluator; the first false one fails
 * the task, named in the message (or in `assertion` when fail_msg replaces the message).
 * An expression that cannot be evaluated (an undefined variable) throws, as in a `when`.
 */
export function planAssert(p: AssertParams, ctx: PlanContext): Plan {
  const evaluate = ctx.evaluate;
  if (!evaluate) return failPlan('assert needs an expression evaluator, and the engine gave none');
  for (const expression of p.that) {
    const value = evaluate(expression.trim());
    if (!assertionHolds(value)) {
      return failPlan(p.failMsg ?? `Assertion failed: ${expression}`, { assertion: expression, evaluated_to: false });
    }
  }
  return { changed: false, actions: [], msg: p.quiet ? undefined : (p.successMsg ?? DEFAULT_SUCCESS_MSG) };
}

/** `assert`: checks that expressions hold, on the controller; fails the host otherwise. */
export const assertModule: ModuleDefinition<AssertParams> = {
  name: 'assert',
  params: assertParams,
  local: true,
  normalise: normaliseAssert,
  plan: (p, _facts, ctx) => planAssert(p, ctx),
};
