import { describe, expect, it } from 'vitest';
import { FILTER_NAMES } from '../../src/template/catalog.js';
import { TemplateRenderError } from '../../src/template/errors.js';
import { renderValue } from '../../src/template/render.js';
import { filterCases as cases, filterVars as vars } from './filter-cases.js';

describe('filters', () => {
  it.each(cases)('%s', (template, expected) => {
    expect(renderValue(template, { vars })).toEqual(expected);
  });

  it('has a case for every filter of the catalog', () => {
    const used = new Set(cases.flatMap(([t]) => [...t.matchAll(/\|\s*(\w+)/g)].map((m) => m[1])));
    const missing = FILTER_NAMES.filter((name) => !used.has(name));
    expect(missing).toEqual([]);
  });

  it.each([
    ['{{ "x" | from_json }}', /from_json: not valid JSON/],
    ['{{ "a" | hash("nope") }}', /hash: unknown algorithm/],
    ['{{ 5 | dict2items }}', /dict2items: expects a dict, got int/],
    ['{{ 5 | combine({}) }}', /combine: expects a dict/],
    ['{{ "x" | regex_search("(") }}', /invalid regular expression/],
  ])('%s fails clearly', (template, message) => {
    expect(() => renderValue(template, { vars, host: 'h', task: 't' })).toThrow(TemplateRenderError);
    expect(() => renderValue(template, { vars, host: 'h', task: 't' })).toThrow(message);
  });
});
