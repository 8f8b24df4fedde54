/**
 * Python's `re` on bytes, as Ansible's lineinfile and wait_for use it, carried out by
 * JavaScript's RegExp: text is handled as "binary" strings (one char per byte, latin1), and
 * the pattern is translated where the two dialects differ (`$` also before a final newline,
 * `.` also matching `\r`, `(?P<name>…)`, `\Z`, `{,n}`, leading inline flags). What has no
 * faithful translation (scoped flags, verbose mode, conditionals, atomic groups) is refused
 * with a message naming it, before anything runs.
 */

/** UTF-8 text → a binary string (one char per byte). */
export function toBinary(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** A binary string → the UTF-8 text it holds (invalid sequences become U+FFFD). */
export function fromBinary(binary: string): string {
  return Buffer.from(binary, 'latin1').toString('utf8');
}

export interface PythonRegexOptions {
  /** re.MULTILINE, as wait_for compiles search_regex. */
  readonly multiline?: boolean;
}

const WHITESPACE = ' \\t\\n\\r\\f\\v';
const BAD_ESCAPE_LETTERS = /[A-Za-z]/;
const PASSING_ESCAPES = new Set(['d', 'D', 'w', 'W', 'b', 'B', 'n', 't', 'r', 'f', 'v', 'x']);

/**
 * Compiles a Python regular expression (bytes semantics) to a RegExp that works on binary
 * strings (see toBinary). Throws an Error whose message says what is wrong or unsupported.
 */
export function compilePythonRegex(pattern: string, options: PythonRegexOptions = {}): RegExp {
  const src = toBinary(pattern);
  let i = 0;
  let multiline = options.multiline ?? false;
  let dotAll = false;
  let ignoreCase = false;
  const flags = /^\(\?([aiLmsux]+)\)/.exec(src);
  if (flags) {
    if (flags[1].includes('x')) throw new Error('verbose mode (?x) is not supported');
    multiline ||= flags[1].includes('m');
    dotAll = flags[1].includes('s');
    ignoreCase = flags[1].includes('i');
    i = flags[0].length;
  }
  let out = '';
  while (i < src.length) {
    const c = src[i];
    if (c === '\\') {
      const [text, used] = translateEscape(src, i, false);
      out += text;
      i += used;
    } else if (c === '[') {
      const [text, used] = translateClass(src, i);
      out += text;
      i += used;
    } else if (c === '(') {
      const [text, used] = translateGroup(src, i);
      out += text;
      i += used;
    } else if (c === '.') {
      out += dotAll ? '[\\s\\S]' : '[^\\n]';
      i++;
    } else if (c === '$') {
      out += multiline ? '(?=\\n|(?![\\s\\S]))' : '(?=\\n?(?![\\s\\S]))';
      i++;
    } else if (c === '^') {
      out += multiline ? '(?<![^\\n])' : '(?<![\\s\\S])';
      i++;
    } else if (c === '{' && /^\{,\d+\}/.test(src.slice(i))) {
      out += '{0,';
      i += 2;
    } else {
      out += c;
      i++;
    }
  }
  try {
    return new RegExp(out, ignoreCase ? 'i' : '');
  } catch (err) {
    throw new Error(`invalid regular expression ${JSON.stringify(pattern)}: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
}

/** One escape: its translation and how many characters it used. */
function translateEscape(src: string, i: number, inClass: boolean): [string, number] {
  const n = src[i + 1];
  if (n === undefined) throw new Error('bad escape (end of pattern)');
  if (n === 'A') return [inClass ? fail('\\A') : '(?<![\\s\\S])', 2];
  if (n === 'Z') return [inClass ? fail('\\Z') : '(?![\\s\\S])', 2];
  if (n === 's') return [inClass ? WHITESPACE : `[${WHITESPACE}]`, 2];
  if (n === 'S') return [inClass ? fail('\\S inside a character class') : `[^${WHITESPACE}]`, 2];
  if (n === 'a') return ['\\x07', 2];
  if (/[0-7]/.test(n)) {
    const octal = /^[0-7]{1,3}/.exec(src.slice(i + 1))![0];
    // \1-\99 are backreferences outside a class unless they start with 0 or have 3 octal digits.
    if (!inClass && n !== '0' && octal.length < 3) {
      const ref = /^\d{1,2}/.exec(src.slice(i + 1))![0];
      return [`\\${ref}`, 1 + ref.length];
    }
    return [`\\x${parseInt(octal, 8).toString(16).padStart(2, '0')}`, 1 + octal.length];
  }
  if (/[89]/.test(n) && !inClass) {
    const ref = /^\d{1,2}/.exec(src.slice(i + 1))![0];
    return [`\\${ref}`, 1 + ref.length];
  }
  if (PASSING_ESCAPES.has(n)) return [`\\${n}`, 2];
  if (BAD_ESCAPE_LETTERS.test(n)) throw new Error(`bad escape \\${n}`);
  return [`\\${n}`, 2];
}

function fail(what: string): never {
  throw new Error(`${what} is not supported`);
}

/** A character class `[…]`: a `]` first is literal, as in Python. */
function translateClass(src: string, start: number): [string, number] {
  let i = start + 1;
  let out = '[';
  if (src[i] === '^') {
    out += '^';
    i++;
  }
  if (src[i] === ']') {
    out += '\\]';
    i++;
  }
  while (i < src.length && src[i] !== ']') {
    if (src[i] === '\\') {
      const [text, used] = translateEscape(src, i, true);
      out += text;
      i += used;
    } else {
      out += src[i] === '[' ? '\\[' : src[i];
      i++;
    }
  }
  if (i >= src.length) throw new Error(`unterminated character set at position ${start}`);
  return [`${out}]`, i + 1 - start];
}

/** A group opening: its translation and the characters used. */
function translateGroup(src: string, i: number): [string, number] {
  const rest = src.slice(i);
  const named = /^\(\?P<([A-Za-z_]\w*)>/.exec(rest);
  if (named) return [`(?<${named[1]}>`, named[0].length];
  const ref = /^\(\?P=([A-Za-z_]\w*)\)/.exec(rest);
  if (ref) return [`\\k<${ref[1]}>`, ref[0].length];
  if (rest.startsWith('(?#')) {
    const end = rest.indexOf(')');
    if (end < 0) throw new Error('missing ), unterminated comment');
    return ['', end + 1];
  }
  if (/^\(\?[:=!]/.test(rest) || /^\(\?<[=!]/.test(rest)) return [rest.slice(0, rest[2] === '<' ? 4 : 3), rest[2] === '<' ? 4 : 3];
  if (rest.startsWith('(?>')) throw new Error('atomic groups (?>…) are not supported');
  if (rest.startsWith('(?(')) throw new Error('conditional groups (?(…)…) are not supported');
  if (/^\(\?[-aiLmsux]/.test(rest)) throw new Error('inline flags are supported only at the start of the pattern, e.g. (?i)');
  if (rest.startsWith('(?')) throw new Error(`unknown extension ${rest.slice(0, 3)}`);
  return ['(', 1];
}

/**
 * Python's `match.expand(template)` on binary strings: `\1`, `\g<1>`, `\g<name>` (a group
 * that did not take part gives ''), `\n`-style escapes and octal; a backslash before another
 * ASCII letter is an error, before anything else it stays.
 */
export function expandTemplate(template: string, match: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = template[i + 1];
    if (n === undefined) throw new Error('bad escape (end of pattern) in line');
    const g = /^g<([^>]*)>/.exec(template.slice(i + 1));
    if (g) {
      out += group(match, g[1]);
      i += g[0].length;
      continue;
    }
    const octal = /^(?:0[0-7]{0,2}|[0-7]{3})/.exec(template.slice(i + 1));
    if (octal) {
      out += String.fromCharCode(parseInt(octal[0], 8) & 0xff);
      i += octal[0].length;
      continue;
    }
    const digits = /^\d{1,2}/.exec(template.slice(i + 1));
    if (digits) {
      out += group(match, digits[0]);
      i += digits[0].length;
      continue;
    }
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' };
    if (n in simple) out += simple[n];
    else if (BAD_ESCAPE_LETTERS.test(n)) throw new Error(`bad escape \\${n} in line`);
    else out += `\\${n}`;
    i++;
  }
  return out;
}

function group(match: RegExpExecArray, ref: string): string {
  if (/^\d+$/.test(ref)) {
    const index = Number(ref);
    if (index >= match.length) throw new Error(`invalid group reference ${ref} in line`);
    return match[index] ?? '';
  }
  if (!match.groups || !(ref in match.groups)) throw new Error(`unknown group name '${ref}' in line`);
  return match.groups[ref] ?? '';
}
