import { expandTemplate } from './python-regex.js';

/**
 * The text edit of Ansible's lineinfile, on binary strings (one char per byte): which line
 * to replace, where to insert, what to remove. Pure; the module reads and writes the file.
 */

export interface LineSearch {
  readonly regexp?: RegExp;
  readonly searchString?: string;
  /** The line as written (binary string): with backrefs, a template. */
  readonly line: string;
}

export interface PresentEdit extends LineSearch {
  /** A RegExp, or 'BOF'/'EOF' (`insertafter`), or undefined. */
  readonly insertAfter?: RegExp | 'BOF' | 'EOF';
  readonly insertBefore?: RegExp | 'BOF';
  readonly backrefs: boolean;
  readonly firstMatch: boolean;
}

export interface EditResult {
  readonly lines: string[];
  readonly changed: boolean;
  readonly msg: string;
}

/** Lines with their terminators, as Python's readlines() splits bytes. */
export function splitLinesKeepEnds(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

const stripEol = (s: string): string => s.replace(/[\r\n]+$/, '');
const endsWithEol = (s: string): boolean => s.endsWith('\n') || s.endsWith('\r');

/** state: present — the line must be in the file. */
export function presentEdit(input: readonly string[], e: PresentEdit): EditResult {
  const lines = [...input];
  const ins = e.insertAfter instanceof RegExp ? e.insertAfter : e.insertBefore instanceof RegExp ? e.insertBefore : undefined;
  // index[0]: the line found by regexp/search_string (or the exact line); index[1]: the insert position.
  let found = -1;
  let insertAt = -1;
  let match: RegExpExecArray | undefined;
  let matched = false;
  if (e.regexp) {
    for (let n = 0; n < lines.length; n++) {
      const m = e.regexp.exec(lines[n]);
      if (m) {
        found = n;
        match = m;
        matched = true;
        if (e.firstMatch) break;
      }
    }
  }
  if (e.searchString !== undefined) {
    for (let n = 0; n < lines.length; n++) {
      if (lines[n].includes(e.searchString)) {
        found = n;
        matched = true;
        if (e.firstMatch) break;
      }
    }
  }
  if (!matched) {
    for (let n = 0; n < lines.length; n++) {
      if (e.line === stripEol(lines[n])) {
        found = n;
      } else if (ins?.test(lines[n])) {
        insertAt = e.insertAfter instanceof RegExp ? n + 1 : n;
        if (e.firstMatch) break;
      }
    }
  }

  const added = (): EditResult => ({ lines, changed: true, msg: 'line added' });
  const unchanged: EditResult = { lines, changed: false, msg: '' };
  const withEol = `${e.line}\n`;
  if (found !== -1) {
    let next = e.backrefs && match ? expandTemplate(e.line, match) : e.line;
    if (!next.endsWith('\n')) next += '\n';
    if (lines[found] === next) return unchanged;
    lines[found] = next;
    return { lines, changed: true, msg: 'line replaced' };
  }
  if (e.backrefs) return unchanged;
  if (e.insertBefore === 'BOF' || e.insertAfter === 'BOF') {
    lines.unshift(withEol);
    return added();
  }
  if (e.insertAfter === 'EOF' || insertAt === -1) {
    if (lines.length > 0 && !endsWithEol(lines[lines.length - 1])) lines.push('\n');
    lines.push(withEol);
    return added();
  }
  if (e.insertAfter instanceof RegExp) {
    if (insertAt === lines.length) {
      if (stripEol(lines[insertAt - 1]) === e.line) return unchanged;
      lines.push(withEol);
      return added();
    }
    if (stripEol(lines[insertAt]) === e.line) return unchanged;
  }
  lines.splice(insertAt, 0, withEol);
  return added();
}

/** state: absent — every line matching regexp, search_string or (else) the line goes. */
export function absentEdit(input: readonly string[], s: Partial<LineSearch>): EditResult & { found: number } {
  const keep = (l: string): boolean => {
    if (s.regexp) return !s.regexp.test(l);
    if (s.searchString !== undefined) return !l.includes(s.searchString);
    return s.line !== stripEol(l);
  };
  const lines = input.filter(keep);
  const found = input.length - lines.length;
  return { lines, changed: found > 0, msg: found > 0 ? `${found} line(s) removed` : '', found };
}
