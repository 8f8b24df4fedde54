/** Sequence filters: first, last, length, count, unique, sort, reverse, flatten, set operations, zip, batch, slice, min, max, sum. */
import { describeType, isMapping, pyAdd, pyCompare, pyContains, pyEquals } from '../python-values.js';
import { splitArguments } from '../tests.js';
import { UndefinedValue } from '../undefined.js';
import { TemplateValueError } from '../value-error.js';
import { readAttribute } from './attributes.js';
import type { FilterFunction } from './filter-types.js';

/** The items of a list, the characters of a string, the keys of a dict. */
export function iterate(value: unknown, filter: string): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (isMapping(value)) return Object.keys(value);
  throw new TemplateValueError(`${filter}: ${describeType(value)} is not a list`);
}

function uniqueItems(items: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const item of items) if (!out.some((o) => pyEquals(o, item))) out.push(item);
  return out;
}

function sortKey(value: unknown, caseSensitive: boolean): unknown {
  return typeof value === 'string' && !caseSensitive ? value.toLowerCase() : value;
}

function sortItems(value: unknown, ...args: unknown[]): unknown[] {
  const { positional, keywords } = splitArguments(args);
  const [reverse = keywords.reverse ?? false, caseSensitive = keywords.case_sensitive ?? false, attribute = keywords.attribute] = positional;
  const keyOf = (v: unknown): unknown =>
    sortKey(attribute === undefined || attribute === null ? v : readAttribute(v, String(attribute)), Boolean(caseSensitive));
  const sorted = [...iterate(value, 'sort')].sort((a, b) => pyCompare(keyOf(a), keyOf(b), '<'));
  return reverse ? sorted.reverse() : sorted;
}

function flattenItems(items: unknown[], levels: number, skipNulls: boolean): unknown[] {
  const out: unknown[] = [];
  for (const item of items) {
    if (Array.isArray(item) && levels !== 0) out.push(...flattenItems(item, levels - 1, skipNulls));
    else if (!(skipNulls && item === null)) out.push(item);
  }
  return out;
}

function extreme(value: unknown, args: unknown[], sign: 1 | -1, name: string): unknown {
  const { keywords } = splitArguments(args);
  const items = iterate(value, name);
  if (items.length === 0) return new UndefinedValue(`(${name} of an empty list)`);
  const keyOf = (v: unknown): unknown =>
    sortKey(keywords.attribute === undefined ? v : readAttribute(v, String(keywords.attribute)), Boolean(keywords.case_sensitive));
  return items.reduce((best, item) => (pyCompare(keyOf(item), keyOf(best), name) * sign > 0 ? item : best));
}

function sumItems(value: unknown, ...args: unknown[]): unknown {
  const { positional, keywords } = splitArguments(args);
  const [attribute = keywords.attribute, start = keywords.start ?? 0] = positional;
  return iterate(value, 'sum').reduce((acc, item) => pyAdd(acc, attribute === undefined ? item : readAttribute(item, String(attribute))), start);
}

/** The filters of this file by name. */
export const sequenceFilters: Record<string, FilterFunction> = {
  first: (value) => {
    const items = iterate(value, 'first');
    return items.length > 0 ? items[0] : new UndefinedValue('(first of an empty list)');
  },
  last: (value) => {
    const items = iterate(value, 'last');
    return items.length > 0 ? items[items.length - 1] : new UndefinedValue('(last of an empty list)');
  },
  length: (value) => iterate(value, 'length').length,
  count: (value) => iterate(value, 'count').length,
  unique: (value) => uniqueItems(iterate(value, 'unique')),
  sort: sortItems,
  reverse: (value) => (typeof value === 'string' ? [...value].reverse().join('') : [...iterate(value, 'reverse')].reverse()),
  flatten: (value, ...args) => {
    const { positional, keywords } = splitArguments(args);
    const [levels = keywords.levels, skipNulls = keywords.skip_nulls ?? true] = positional;
    return flattenItems(iterate(value, 'flatten'), levels === undefined || levels === null ? -1 : Number(levels), Boolean(skipNulls));
  },
  difference: (a, b) => uniqueItems(iterate(a, 'difference').filter((x) => !pyContains(iterate(b, 'difference'), x))),
  intersect: (a, b) => uniqueItems(iterate(a, 'intersect').filter((x) => pyContains(iterate(b, 'intersect'), x))),
  union: (a, b) => uniqueItems([...iterate(a, 'union'), ...iterate(b, 'union')]),
  symmetric_difference: (a, b) => {
    const left = iterate(a, 'symmetric_difference');
    const right = iterate(b, 'symmetric_difference');
    return uniqueItems([...left.filter((x) => !pyContains(right, x)), ...right.filter((x) => !pyContains(left, x))]);
  },
  zip: (value, ...others) => {
    const lists = [iterate(value, 'zip'), ...others.map((o) => iterate(o, 'zip'))];
    const length = Math.min(...lists.map((l) => l.length));
    return Array.from({ length }, (_, i) => lists.map((l) => l[i]));
  },
  batch: (value, size, fill) => {
    const items = iterate(value, 'batch');
    const n = Math.max(1, Number(size));
    const out: unknown[][] = [];
    for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
    const last = out[out.length - 1];
    if (fill !== undefined && last) while (last.length < n) last.push(fill);
    return out;
  },
  slice: (value, slices) => {
    const items = iterate(value, 'slice');
    const n = Math.max(1, Number(slices));
    const per = Math.floor(items.length / n);
    const extra = items.length % n;
    const out: unknown[][] = [];
    let offset = 0;
    for (let i = 0; i < n; i++) {
      const size = per + (i < extra ? 1 : 0);
      out.push(items.slice(offset, offset + size));
      offset += size;
    }
    return out;
  },
  min: (value, ...args) => extreme(value, args, -1, 'min'),
  max: (value, ...args) => extreme(value, args, 1, 'max'),
  sum: sumItems,
};
