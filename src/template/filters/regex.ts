/** Ansible's regex filters: regex_search, regex_replace, regex_findall, regex_escape. */
import { pyStr, isTruthy } from '../python-values.js';
import { compilePythonRegex } from '../python-regex.js';
import { splitArguments } from '../tests.js';
import { TemplateValueError } from '../value-error.js';
import type { FilterFunction } from './filter-types.js';

function flagsOf(keywords: Record<string, unknown>): { ignorecase: boolean; multiline: boolean } {
  return { ignorecase: isTruthy(keywords.ignorecase ?? false), multiline: isTruthy(keywords.multiline ?? false) };
}

/** The first match, or with `'\\1'`/`'\\g<name>'` arguments the list of those groups; None when nothing matches. */
const regexSearch: FilterFunction = (value, ...args) => {
  const { positional, keywords } = splitArguments(args);
  const [pattern, ...groups] = positional;
  const match = compilePythonRegex(pyStr(pattern), flagsOf(keywords)).exec(pyStr(value));
  if (!match) return null;
  if (groups.length === 0) return match[0];
  return groups.map((g) => {
    const spec = pyStr(g);
    const named = spec.match(/^\\g<(\w+)>$/);
    if (named) return /^\d+$/.test(named[1]) ? (match[Number(named[1])] ?? null) : (match.groups?.[named[1]] ?? null);
    const numbered = spec.match(/^\\(\d+)$/);
    if (numbered) return match[Number(numbered[1])] ?? null;
    throw new TemplateValueError(`regex_search: unknown group argument ${JSON.stringify(spec)}; use '\\\\1' or '\\\\g<name>'`);
  });
};

/** Python's replacement template: `\\1`, `\\g<1>`, `\\g<name>`, `\\n`, `\\\\`. */
function expandReplacement(template: string, match: RegExpMatchArray): string {
  return template.replace(/\\(?:g<(\w+)>|(\d{1,2})|(.))/gs, (all, name: string | undefined, num: string | undefined, ch: string | undefined) => {
    if (name !== undefined) return (/^\d+$/.test(name) ? match[Number(name)] : match.groups?.[name]) ?? '';
    if (num !== undefined) return match[Number(num)] ?? '';
    if (ch === 'n') return '\n';
    if (ch === 't') return '\t';
    return ch === '\\' ? '\\' : all;
  });
}

const regexReplace: FilterFunction = (value, ...args) => {
  const { positional, keywords } = splitArguments(args);
  const [pattern, replacement = keywords.replacement ?? '', ignorecase = keywords.ignorecase, multiline = keywords.multiline, count = keywords.count ?? 0] =
    positional;
  const re = compilePythonRegex(pyStr(pattern), { ...flagsOf({ ignorecase, multiline }), global: true });
  const limit = Number(count) > 0 ? Number(count) : Infinity;
  const text = pyStr(value);
  const template = pyStr(replacement);
  let out = '';
  let from = 0;
  let done = 0;
  for (const match of text.matchAll(re)) {
    if (done >= limit) break;
    const at = match.index ?? 0;
    out += text.slice(from, at) + expandReplacement(template, match);
    from = at + match[0].length;
    done++;
  }
  return out + text.slice(from);
};

/** Python's findall: whole matches, the group when there is one, lists of groups when several. */
const regexFindall: FilterFunction = (value, ...args) => {
  const { positional, keywords } = splitArguments(args);
  const [pattern, multiline = keywords.multiline, ignorecase = keywords.ignorecase] = positional;
  const re = compilePythonRegex(pyStr(pattern), { ...flagsOf({ ignorecase, multiline }), global: true });
  return [...pyStr(value).matchAll(re)].map((m) => (m.length === 1 ? m[0] : m.length === 2 ? (m[1] ?? '') : m.slice(1).map((g) => g ?? '')));
};

/** The filters of this file by name. */
export const regexFilters: Record<string, FilterFunction> = {
  regex_search: regexSearch,
  regex_replace: regexReplace,
  regex_findall: regexFindall,
  regex_escape: (value) => pyStr(value).replace(/[^A-Za-z0-9_]/g, (c) => `\\${c}`),
};
