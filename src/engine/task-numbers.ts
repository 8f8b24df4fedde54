import { renderValue } from '../template/render.js';
import type { TaskEnv } from './task-env.js';

/** The numeric task keywords that may be written as a `{{ template }}`. */
export type NumericKeyword = 'retries' | 'delay' | 'timeout' | 'async' | 'poll';

/**
 * A numeric task keyword's value for this host: the number written, or its template
 * (`timeout: "{{ install_timeout }}"`, also inherited from a block) rendered with the task's
 * variables. Throws an Error naming the keyword and the rendered value when it is not a
 * number ≥ 0 (a whole number for `retries`); the task then fails on that host.
 */
export function resolveTaskNumber(env: TaskEnv, keyword: NumericKeyword, vars: Record<string, unknown>): number | undefined {
  const written = keyword === 'timeout' ? env.scope.timeout : env.task[keyword];
  if (written !== undefined) return written;
  const template = keyword === 'timeout' ? env.scope.timeoutTemplate : env.task.templated?.[keyword];
  if (template === undefined) return undefined;
  const value = renderValue(template, { vars, host: env.host.name, task: env.name });
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
  const whole = keyword === 'retries' || keyword === 'async' || keyword === 'poll';
  if (!Number.isFinite(n) || n < 0 || (whole && !Number.isInteger(n))) {
    throw new Error(
      `${keyword}: ${JSON.stringify(template)} rendered to ${JSON.stringify(value) ?? String(value)}; expected ${whole ? 'a whole number' : 'a number of seconds'} ≥ 0`,
    );
  }
  return n;
}
