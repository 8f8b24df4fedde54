/**
 * The `with_*` loops of Ansible, as the items their lookup gives for the (already templated)
 * value: `with_X: v` is `loop: "{{ lookup('X', v, wantlist=True) }}"`.
 *
 * - `with_list`: the list as it is (a single value is a list of one);
 * - `with_items`: one level of nested lists flattened (`[[1, 2], 3]` → `[1, 2, 3]`);
 * - `with_flattened`: every level flattened;
 * - `with_indexed_items`: `[index, item]` pairs of with_items's list;
 * - `with_dict`: `{key, value}` for each entry of a mapping, in its order;
 * - `with_together`: the lists zipped, the short ones padded with null (`[[1, 'a'], [2, null]]`);
 * - `with_nested`: every combination, the first list varying slowest.
 */
export const WITH_LOOPS = ['list', 'items', 'flattened', 'indexed_items', 'dict', 'together', 'nested'] as const;
export type WithLoop = (typeof WITH_LOOPS)[number];

/** The task keyword of a `with_*` loop kind. */
export const withLoopKey = (kind: WithLoop): string => `with_${kind}`;
/** Every `with_*` keyword tpx supports. */
export const WITH_LOOP_KEYS: readonly string[] = WITH_LOOPS.map(withLoopKey);

export function withLoopItems(kind: WithLoop, value: unknown): unknown[] {
  const terms = Array.isArray(value) ? value : [value];
  switch (kind) {
    case 'list':
      return terms;
    case 'items':
      return terms.flatMap((t) => (Array.isArray(t) ? t : [t]));
    case 'flattened':
      return terms.flat(Number.POSITIVE_INFINITY);
    case 'indexed_items':
      return terms.flatMap((t) => (Array.isArray(t) ? t : [t])).map((item, i) => [i, item]);
    case 'dict':
      return dictItems(value);
    case 'together':
      return together(terms);
    case 'nested':
      return nested(terms);
  }
}

function dictItems(value: unknown): unknown[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`with_dict expects a dict, got ${Array.isArray(value) ? 'a list' : JSON.stringify(value)}`);
  }
  return Object.entries(value).map(([key, v]) => ({ key, value: v }));
}

function listsOf(kind: string, terms: readonly unknown[]): unknown[][] {
  if (terms.length === 0) throw new Error(`with_${kind} requires at least one element in the nested list`);
  return terms.map((t) => (Array.isArray(t) ? t : [t]));
}

function together(terms: readonly unknown[]): unknown[] {
  const lists = listsOf('together', terms);
  const n = Math.max(...lists.map((l) => l.length));
  return Array.from({ length: n }, (_, i) => lists.map((l) => (i < l.length ? l[i] : null)));
}

function nested(terms: readonly unknown[]): unknown[] {
  return listsOf('nested', terms).reduce<unknown[][]>((combos, list) => combos.flatMap((c) => list.map((item) => [...c, item])), [[]]);
}
