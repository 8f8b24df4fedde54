/** String filters: trim, upper, lower, capitalize, title, replace, split, splitlines, join, quote, center, indent, truncate, wordcount, urlencode. */
import { findPythonMethod } from '../python-methods.js';
import { isMapping, pyStr } from '../python-values.js';
import { splitArguments } from '../tests.js';
import { TemplateValueError } from '../value-error.js';
import type { FilterFunction } from './filter-types.js';

function callStringMethod(name: string, value: unknown, ...args: unknown[]): unknown {
  return (findPythonMethod(pyStr(value), name) as (...a: unknown[]) => unknown)(...args);
}

/** POSIX shell quoting like Python's shlex.quote (Ansible's quote): `it's` → `'it'"'"'s'`. */
export function quoteShell(value: unknown): string {
  const text = value === null || value === undefined ? '' : pyStr(value);
  if (text === '') return "''";
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'"'"'`)}'`;
}

function replaceText(value: unknown, ...args: unknown[]): string {
  const [old, replacement, count] = args;
  const text = pyStr(value);
  const search = pyStr(old);
  const limit = count === undefined || count === null ? Infinity : Number(count);
  if (search === '' || limit <= 0) return text;
  let out = '';
  let from = 0;
  let done = 0;
  for (let at = text.indexOf(search); at >= 0 && done < limit; at = text.indexOf(search, from)) {
    out += text.slice(from, at) + pyStr(replacement);
    from = at + search.length;
    done++;
  }
  return out + text.slice(from);
}

function joinItems(value: unknown, ...args: unknown[]): string {
  const { positional, keywords } = splitArguments(args);
  const [separator = keywords.d ?? '', attribute = keywords.attribute] = positional;
  if (typeof value === 'string') return [...value].join(pyStr(separator));
  if (!Array.isArray(value)) throw new TemplateValueError('join: expects a list');
  const items = attribute === undefined ? value : value.map((v) => (isMapping(v) ? v[String(attribute)] : undefined));
  return items.map((v) => pyStr(v)).join(pyStr(separator));
}

function indentText(value: unknown, ...args: unknown[]): string {
  const { positional, keywords } = splitArguments(args);
  const [width = keywords.width ?? 4, first = keywords.first ?? false, blank = keywords.blank ?? false] = positional;
  const pad = typeof width === 'string' ? width : ' '.repeat(Number(width));
  const lines = pyStr(value).split('\n');
  return lines.map((line, i) => ((i > 0 || first) && (blank || line.trim() !== '') ? pad + line : line)).join('\n');
}

function truncateText(value: unknown, ...args: unknown[]): string {
  const { positional, keywords } = splitArguments(args);
  const [length = keywords.length ?? 255, killwords = keywords.killwords ?? false, end = keywords.end ?? '...', leeway = keywords.leeway ?? 5] = positional;
  const text = pyStr(value);
  const max = Number(length);
  if (text.length <= max + Number(leeway)) return text;
  const cut = text.slice(0, max - pyStr(end).length);
  if (killwords) return cut + pyStr(end);
  const lastSpace = cut.lastIndexOf(' ');
  return (lastSpace > 0 ? cut.slice(0, lastSpace) : cut) + pyStr(end);
}

/** Jinja2's urlencode: a string keeps "/" and uses %20; dict or pairs form a query string with "+". */
function urlencode(value: unknown): string {
  const quoteQuery = (v: unknown): string => encodeURIComponent(pyStr(v)).replace(/%20/g, '+');
  if (isMapping(value))
    return Object.entries(value)
      .map(([k, v]) => `${quoteQuery(k)}=${quoteQuery(v)}`)
      .join('&');
  if (Array.isArray(value)) return value.map((pair) => (Array.isArray(pair) ? pair.map(quoteQuery).join('=') : '')).join('&');
  return encodeURIComponent(pyStr(value)).replace(/%2F/g, '/');
}

/** The filters of this file by name. */
export const stringFilters: Record<string, FilterFunction> = {
  trim: (value, chars) => callStringMethod('strip', value, chars),
  upper: (value) => pyStr(value).toUpperCase(),
  lower: (value) => pyStr(value).toLowerCase(),
  capitalize: (value) => callStringMethod('capitalize', value),
  title: (value) => callStringMethod('title', value),
  replace: replaceText,
  split: (value, sep, maxsplit) => callStringMethod('split', value, sep, maxsplit),
  join: joinItems,
  quote: quoteShell,
  center: (value, width = 80) => {
    const text = pyStr(value);
    const total = Math.max(0, Number(width) - text.length);
    const left = Math.floor(total / 2) + (total % 2 === 1 && text.length % 2 === 1 ? 1 : 0);
    return ' '.repeat(left) + text + ' '.repeat(total - left);
  },
  indent: indentText,
  truncate: truncateText,
  wordcount: (value) =>
    pyStr(value)
      .split(/\s+/)
      .filter((w) => w !== '').length,
  urlencode,
};
