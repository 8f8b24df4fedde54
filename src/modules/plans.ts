import type { Plan } from './module.js';

/** A plan that fails the task without running anything. */
export function failPlan(msg: string, returns?: Readonly<Record<string, unknown>>): Plan {
  return { changed: false, actions: [], failed: true, msg, ...(returns ? { returns } : {}) };
}

/**
 * Runs a module's planning and turns an Error it throws (a fact that could not be read,
 * a local file that is missing) into a failed plan carrying the error's message.
 */
export async function planOrFail(planning: () => Plan | Promise<Plan>): Promise<Plan> {
  try {
    return await planning();
  } catch (err) {
    return failPlan(err instanceof Error ? err.message : String(err));
  }
}
