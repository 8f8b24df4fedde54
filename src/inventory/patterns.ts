import { ExitCode, TpxError } from '../errors/tpx-error.js';
import { hostsOfGroup } from './group-members.js';
import { isImplicitLocalhost } from './implicit-localhost.js';
import type { Inventory } from './types.js';

/** A host pattern that cannot be read (a malformed `~regex`). Exit 5 by default; loaders turn it into an input problem. */
export class HostPatternError extends TpxError {
  readonly pattern: string;
  constructor(pattern: string, message: string) {
    super('host-pattern', message, { exitCode: ExitCode.badOptions });
    this.pattern = pattern;
  }
}

const SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)[:-]([0-9]*))\]$/s;

/**
 * The hosts a pattern selects, as ansible-core's `InventoryManager.get_hosts` does, each
 * host once. The pattern is a list of terms separated by `,` (or `:` outside brackets):
 *
 * - `all` or `*`: every host; a host name; a group name (its hosts and its children's);
 * - a glob (`mesh-*`, `web-0?`, `rack-[ab]*`) or a regex `~mesh-0[1-3]` (anchored at the
 *   start, as Python's `re.match`), matched against group names and host names;
 * - a subscript on a term: `fleet[0]`, `fleet[-1]`, `fleet[1:3]`, `fleet[2:]`;
 * - `&term` keeps only hosts also in term (intersection), `!term` drops them (exclusion).
 *
 * Order: the union terms in the order written, each in Ansible's order (a group's own hosts,
 * then its children's); then the `&` terms, then the `!` terms, whatever their place. A
 * pattern of only `&`/`!` terms starts from `all`. Matching nothing gives [] (callers warn).
 */
export function selectHosts(inventory: Inventory, pattern: string): string[] {
  let hosts: string[] = [];
  for (const term of orderTerms(splitPattern(pattern))) {
    if (inventory.hosts.has(term)) {
      hosts.push(term);
      continue;
    }
    const matched = matchTerm(inventory, term.replace(/^[&!]/, ''));
    if (term.startsWith('!')) {
      const drop = new Set(matched);
      hosts = hosts.filter((h) => !drop.has(h));
    } else if (term.startsWith('&')) {
      const keep = new Set(matched);
      hosts = hosts.filter((h) => keep.has(h));
    } else if (matched.length === 0 && isImplicitLocalhost(inventory.hosts, term)) {
      // Named as such only: `all` and globs never select the implicit localhost, as in Ansible.
      hosts.push(term);
    } else {
      hosts.push(...matched);
    }
  }
  return [...new Set(hosts)];
}

/** Splits on commas; without a comma, on colons outside `[...]` (a bare IPv6 address stays whole). */
export function splitPattern(pattern: string): string[] {
  let terms: string[];
  if (pattern.includes(',')) terms = pattern.split(',');
  else if (/^[0-9a-fA-F]*:[0-9a-fA-F]*:[0-9a-fA-F:.]*$/.test(pattern.trim())) terms = [pattern];
  else terms = pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
  return terms.map((t) => t.trim()).filter((t) => t !== '');
}

function orderTerms(terms: readonly string[]): string[] {
  const regular = terms.filter((t) => !t.startsWith('&') && !t.startsWith('!'));
  const intersect = terms.filter((t) => t.startsWith('&'));
  const exclude = terms.filter((t) => t.startsWith('!'));
  return [...(regular.length === 0 ? ['all'] : regular), ...intersect, ...exclude];
}

function matchTerm(inventory: Inventory, term: string): string[] {
  const { expr, subscript } = splitSubscript(term);
  const regex = compileTerm(expr);
  const results: string[] = [];
  let groupMatched = false;
  for (const group of inventory.groups.keys()) {
    if (regex.test(group)) {
      groupMatched = true;
      results.push(...hostsOfGroup(inventory, group));
    }
  }
  if (!groupMatched || expr.startsWith('~') || /[.?*[]/.test(expr)) {
    for (const host of inventory.hosts.keys()) if (regex.test(host)) results.push(host);
  }
  return applySubscript(results, subscript);
}

type Subscript = { start: number; end?: number };

function splitSubscript(term: string): { expr: string; subscript?: Subscript } {
  if (term.startsWith('~')) return { expr: term };
  const m = SUBSCRIPT.exec(term);
  if (!m) return { expr: term };
  if (m[2] !== undefined) return { expr: m[1], subscript: { start: Number(m[2]) } };
  return { expr: m[1], subscript: { start: Number(m[3]), end: m[4] === '' ? -1 : Number(m[4]) } };
}

/** Ansible's `_apply_subscript`; an index past the end selects nothing (Ansible stops with an error there). */
function applySubscript(hosts: string[], subscript: Subscript | undefined): string[] {
  if (!subscript || hosts.length === 0) return hosts;
  const { start } = subscript;
  let end = subscript.end;
  if (end) {
    if (end === -1) end = hosts.length - 1;
    return hosts.slice(start, end + 1);
  }
  const host = hosts.at(start);
  return host === undefined ? [] : [host];
}

function compileTerm(expr: string): RegExp {
  if (expr.startsWith('~')) {
    try {
      return new RegExp(`^(?:${expr.slice(1)})`, 's');
    } catch (error) {
      throw new HostPatternError(expr, `invalid regular expression in host pattern "${expr}": ${(error as Error).message}`);
    }
  }
  return new RegExp(`^${translateGlob(expr)}$`, 's');
}

/** Python's `fnmatch.translate`: `*`, `?`, `[seq]`, `[!seq]`; everything else literal. */
function translateGlob(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      const close = findClass(glob, i);
      if (close < 0) out += '\\[';
      else {
        let body = glob.slice(i + 1, close).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = '^' + body.slice(1);
        else if (body.startsWith('^')) body = '\\' + body;
        out += `[${body}]`;
        i = close;
      }
    } else out += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return out;
}

/** Index of the `]` closing the class opened at `open`, or -1 (then `[` is literal). */
function findClass(glob: string, open: number): number {
  let j = open + 1;
  if (glob[j] === '!') j++;
  if (glob[j] === ']') j++;
  while (j < glob.length && glob[j] !== ']') j++;
  return j < glob.length ? j : -1;
}
