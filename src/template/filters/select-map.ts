/** Filters that apply another filter or test to each item: map, select, reject, selectattr, rejectattr, groupby. */
import { isTruthy, pyCompare, pyEquals } from '../python-values.js';
import { splitArguments } from '../tests.js';
import { isUndefinedValue } from '../undefined.js';
import { TemplateValueError } from '../value-error.js';
import { readAttribute } from './attributes.js';
import type { FilterFunction, FilterLookup } from './filter-types.js';
import { iterate } from './sequences.js';

function makeSelect(lookup: FilterLookup, keep: boolean, byAttribute: boolean): FilterFunction {
  const name = `${keep ? 'select' : 'reject'}${byAttribute ? 'attr' : ''}`;
  return (value, ...args) => {
    const { positional } = splitArguments(args);
    const [attribute, testName, ...testArgs] = byAttribute ? positional : [undefined, ...positional];
    if (byAttribute && attribute === undefined) throw new TemplateValueError(`${name}: expects an attribute name`);
    const test = testName === undefined ? undefined : lookup.getTest(String(testName));
    return iterate(value, name).filter((item) => {
      const subject = byAttribute ? readAttribute(item, String(attribute)) : item;
      const passed = test ? test(subject, ...testArgs) : !isUndefinedValue(subject) && isTruthy(subject);
      return passed === keep;
    });
  };
}

function makeMap(lookup: FilterLookup): FilterFunction {
  return (value, ...args) => {
    const { positional, keywords } = splitArguments(args);
    const items = iterate(value, 'map');
    if (keywords.attribute !== undefined) {
      return items.map((item) => {
        const v = readAttribute(item, String(keywords.attribute));
        if (isUndefinedValue(v) && 'default' in keywords) return keywords.default;
        return v;
      });
    }
    const [filterName, ...filterArgs] = positional;
    if (filterName === undefined) throw new TemplateValueError('map: expects a filter name or attribute=');
    const filter = lookup.getFilter(String(filterName));
    return items.map((item) => filter(item, ...filterArgs));
  };
}

function groupBy(value: unknown, attribute: unknown): unknown[] {
  const groups: [unknown, unknown[]][] = [];
  for (const item of iterate(value, 'groupby')) {
    const key = readAttribute(item, String(attribute));
    const group = groups.find(([k]) => pyEquals(k, key));
    if (group) group[1].push(item);
    else groups.push([key, [item]]);
  }
  return groups.sort((a, b) => pyCompare(a[0], b[0], '<'));
}

/** The filters of this file by name; they look up the filters and tests they apply in `lookup`. */
export function buildSelectMapFilters(lookup: FilterLookup): Record<string, FilterFunction> {
  return {
    map: makeMap(lookup),
    select: makeSelect(lookup, true, false),
    reject: makeSelect(lookup, false, false),
    selectattr: makeSelect(lookup, true, true),
    rejectattr: makeSelect(lookup, false, true),
    groupby: groupBy,
  };
}
