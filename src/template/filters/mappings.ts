/** Mapping filters: dict2items, items2dict, items, dictsort, combine. */
import { describeType, isMapping, pyCompare, type PyMapping } from '../python-values.js';
import { splitArguments } from '../tests.js';
import { TemplateValueError } from '../value-error.js';
import type { FilterFunction } from './filter-types.js';

function requireMapping(value: unknown, filter: string): PyMapping {
  if (!isMapping(value)) throw new TemplateValueError(`${filter}: expects a dict, got ${describeType(value)}`);
  return value;
}

function mergeDicts(a: PyMapping, b: PyMapping, recursive: boolean, listMerge: string): PyMapping {
  const out: PyMapping = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const old = out[k];
    if (recursive && isMapping(old) && isMapping(v)) out[k] = mergeDicts(old, v, recursive, listMerge);
    else if (Array.isArray(old) && Array.isArray(v) && listMerge !== 'replace') out[k] = mergeLists(old, v, listMerge);
    else out[k] = v;
  }
  return out;
}

function mergeLists(a: unknown[], b: unknown[], mode: string): unknown[] {
  switch (mode) {
    case 'keep':
      return a;
    case 'append':
      return [...a, ...b];
    case 'prepend':
      return [...b, ...a];
    case 'append_rp':
      return [...a.filter((x) => !b.includes(x)), ...b];
    case 'prepend_rp':
      return [...b, ...a.filter((x) => !b.includes(x))];
    default:
      throw new TemplateValueError(`combine: unknown list_merge "${mode}"`);
  }
}

function combine(value: unknown, ...args: unknown[]): PyMapping {
  const { positional, keywords } = splitArguments(args);
  const dicts = [value, ...positional].flat();
  const recursive = Boolean(keywords.recursive ?? false);
  const listMerge = String(keywords.list_merge ?? 'replace');
  return dicts.reduce<PyMapping>((acc, d) => mergeDicts(acc, requireMapping(d, 'combine'), recursive, listMerge), {});
}

/** The filters of this file by name. */
export const mappingFilters: Record<string, FilterFunction> = {
  dict2items: (value, ...args) => {
    const { positional, keywords } = splitArguments(args);
    const [keyName = keywords.key_name ?? 'key', valueName = keywords.value_name ?? 'value'] = positional;
    return Object.entries(requireMapping(value, 'dict2items')).map(([k, v]) => ({ [String(keyName)]: k, [String(valueName)]: v }));
  },
  items2dict: (value, ...args) => {
    const { positional, keywords } = splitArguments(args);
    const [keyName = keywords.key_name ?? 'key', valueName = keywords.value_name ?? 'value'] = positional;
    if (!Array.isArray(value)) throw new TemplateValueError('items2dict: expects a list of dicts');
    return Object.fromEntries(
      value.map((item) => {
        const entry = requireMapping(item, 'items2dict');
        return [String(entry[String(keyName)]), entry[String(valueName)]];
      }),
    );
  },
  items: (value) => Object.entries(requireMapping(value, 'items')),
  dictsort: (value, ...args) => {
    const { positional, keywords } = splitArguments(args);
    const [caseSensitive = keywords.case_sensitive ?? false, by = keywords.by ?? 'key', reverse = keywords.reverse ?? false] = positional;
    const index = by === 'value' ? 1 : 0;
    const norm = (v: unknown): unknown => (typeof v === 'string' && !caseSensitive ? v.toLowerCase() : v);
    const sorted = Object.entries(requireMapping(value, 'dictsort')).sort((a, b) => pyCompare(norm(a[index]), norm(b[index]), '<'));
    return reverse ? sorted.reverse() : sorted;
  },
  combine,
};
