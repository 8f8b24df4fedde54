/** A filter: `value | name(args)`; keyword arguments arrive as a last object (see splitArguments). */
export type FilterFunction = (value: unknown, ...args: unknown[]) => unknown;

/** Filters and tests of the environment, for filters that call others (`map('upper')`, `select('defined')`). */
export interface FilterLookup {
  getFilter(name: string): FilterFunction;
  getTest(name: string): (value: unknown, ...args: unknown[]) => boolean;
}
