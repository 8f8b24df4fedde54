import type { InputProblem } from '../errors/input-error.js';
import { connectionVarProblem } from './connection-vars.js';
import { expandHostKey } from './expand-host-key.js';
import type { InventoryBuilder } from './inventory-builder.js';
import { parseIniValue } from './python-literal.js';
import { shlexSplit } from './shlex-split.js';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/u;

/** Whether a line is an INI section header (`[web]`, `[web:vars]`), as this reader sees one. */
export const isIniSectionLine = (line: string): boolean => SECTION.test(line.trim());
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/u;
/** Python's str.splitlines() boundaries. */
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

type State = 'hosts' | 'children' | 'vars';

/** A `[g:vars]` or `[parent:children]` naming a group not defined (yet): Ansible's pending declaration. */
interface Pending {
  readonly line: number;
  readonly state: 'vars' | 'children';
  readonly parents: string[];
}

/**
 * Reads an INI inventory (`[group]`, `[group:vars]`, `[group:children]` sections; host lines
 * `web[01:20].example.com:2222 ansible_user=ops`) into the builder, with the rules of
 * ansible-core's `ini` inventory plugin:
 *
 * - lines before the first section are hosts of `ungrouped`; blank lines and lines starting
 *   with `#` or `;` are skipped;
 * - a host line is split like a shell line (quotes, `#` comments), then each `key=value`
 *   value is read as a Python literal (see python-literal.ts), so `port=22` is a number and
 *   `x="5"` is a number too (the quotes go with the splitting), while `x="'5'"` is a string;
 * - a `[g:vars]` line is `key = value`, split at the first `=`, the value read the same way;
 * - a child named before its own section is added once that section appears; a `[g:vars]`
 *   of a group that no section of this or an earlier file defines, and a child that is never
 *   defined, are errors.
 *
 * Unlike Ansible, which stops at a file's first error (and then, by default, only warns that
 * the file could not be parsed), every problem of the file is reported with its line.
 */
export function readIniInventory(file: string, text: string, builder: InventoryBuilder): InputProblem[] {
  const problems: InputProblem[] = [];
  const pending = new Map<string, Pending>();
  let group = 'ungrouped';
  let state: State = 'hosts';
  const lines = text.split(LINE_BREAK);
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.trim();
    if (line === '' || line[0] === '#' || line[0] === ';') return;
    const report = (message: string, token?: string): void => {
      const at = token === undefined ? -1 : raw.indexOf(token);
      const col = (at >= 0 ? at : raw.length - raw.trimStart().length) + 1;
      problems.push({ file, line: lineNo, col, message, sourceLine: raw });
    };

    const section = SECTION.exec(line);
    if (section) {
      const tag = section[2] ?? 'hosts';
      if (tag !== 'hosts' && tag !== 'children' && tag !== 'vars') {
        report(`section [${section[1]}:${tag}] has an unknown type "${tag}"; use [${section[1]}], [${section[1]}:vars] or [${section[1]}:children]`, tag);
        // Lines below belong to no section we know: skip them quietly until the next one.
        group = '';
        return;
      }
      group = section[1];
      state = tag;
      enterSection(lineNo, report);
      return;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      report(`invalid section header ${line}: a group name has no spaces, ":" or "]", and the only suffixes are :vars and :children`);
      group = '';
      return;
    }
    if (group === '') return;
    if (state === 'hosts') readHostLine(line, report);
    else if (state === 'vars') readVarLine(line, report);
    else readChildLine(line, lineNo, report);
  });

  for (const [name, decl] of pending) {
    const message =
      decl.state === 'vars'
        ? `section [${name}:vars] is for group "${name}", which no section defines; add a [${name}] or [${name}:children] section`
        : `section [${decl.parents.at(-1)}:children] names group "${name}", which no section defines; add a [${name}] section`;
    const raw = lines[decl.line - 1];
    problems.push({ file, line: decl.line, col: raw.length - raw.trimStart().length + 1, message, sourceLine: raw });
  }
  return problems;

  function enterSection(lineNo: number, report: (message: string, token?: string) => void): void {
    if (!builder.hasGroup(group)) {
      if (state === 'vars' && !pending.has(group)) pending.set(group, { line: lineNo, state: 'vars', parents: [] });
      builder.addGroup(group);
    }
    const decl = pending.get(group);
    if (decl && state !== 'vars') {
      if (decl.state === 'children') addPendingChildren(group, report);
      else pending.delete(group);
    }
  }

  function addPendingChildren(child: string, report: (message: string, token?: string) => void): void {
    const decl = pending.get(child)!;
    pending.delete(child);
    for (const parent of decl.parents) {
      const problem = builder.addChild(parent, child);
      if (problem) report(problem, child);
      if (pending.get(parent)?.state === 'children') addPendingChildren(parent, report);
    }
  }

  function readHostLine(line: string, report: (message: string, token?: string) => void): void {
    let words: string[];
    try {
      words = shlexSplit(line);
    } catch (error) {
      report(`cannot read this host line: ${(error as Error).message}`);
      return;
    }
    if (words.length === 0) return;
    const [key, ...assignments] = words;
    if (key.endsWith(':')) {
      report(`host "${key}" ends in ":", which introduces a port; give the port (${key}22) or remove the ":"`, key);
      return;
    }
    let expanded: ReturnType<typeof expandHostKey>;
    try {
      expanded = expandHostKey(key);
    } catch (error) {
      report((error as Error).message, key);
      return;
    }
    if (expanded.names.some((n) => n.trim() === '---')) {
      report('"---" is not a host: this looks like a YAML file; give it a .yaml extension', key);
      return;
    }
    const vars: [string, unknown][] = [];
    for (const word of assignments) {
      const eq = word.indexOf('=');
      if (eq < 0) {
        report(`expected key=value after the host name, got "${word}"`, word);
        return;
      }
      const name = word.slice(0, eq);
      const value = parseIniValue(word.slice(eq + 1));
      const problem = connectionVarProblem(name, value);
      if (problem) report(problem, word);
      vars.push([name, value]);
    }
    for (const host of expanded.names) {
      builder.addHost(host, group, expanded.port);
      for (const [k, v] of vars) builder.setHostVar(host, k, v);
    }
  }

  function readVarLine(line: string, report: (message: string, token?: string) => void): void {
    const eq = line.indexOf('=');
    if (eq < 0) {
      report(`expected key = value in [${group}:vars], got "${line}"`);
      return;
    }
    const name = line.slice(0, eq).trim();
    const value = parseIniValue(line.slice(eq + 1).trim());
    const problem = connectionVarProblem(name, value);
    if (problem) report(problem);
    builder.setGroupVar(group, name, value);
  }

  function readChildLine(line: string, lineNo: number, report: (message: string, token?: string) => void): void {
    const m = GROUP_NAME.exec(line);
    if (!m) {
      report(`expected a group name in [${group}:children], got "${line}"`);
      return;
    }
    const child = m[1];
    if (!builder.hasGroup(child)) {
      const decl = pending.get(child);
      if (!decl) pending.set(child, { line: lineNo, state: 'children', parents: [group] });
      else decl.parents.push(group);
      return;
    }
    const problem = builder.addChild(group, child);
    if (problem) report(problem, child);
  }
}
