/**
 * Ansible's `key=value` argument strings (`file: path=/srv state=directory mode=0755`), taken
 * apart with Ansible's rules so the same string means the same arguments:
 *
 * - the string is split at spaces, except inside quotes and inside `{{ }}`, `{% %}` and
 *   `{# #}` (so `msg="a b" x={{ y | default('p q') }}` is two words); line breaks are kept;
 * - escapes `\n`, `\t`, `\\`, `\"`, `\'`, `\xHH`, `\uHHHH`, `\UHHHHHHHH` are decoded;
 * - each word with an `=` (not the first character, not escaped) is `key=value`, the value
 *   stripped and unquoted when quoted at both ends with the same quote; the words without
 *   one are the free-form rest, kept as written.
 *
 * Values stay strings, as in Ansible: each module's parameter types decide what they become
 * (see coerceKeyValueArgs).
 */
export interface KeyValueArgs {
  readonly options: Readonly<Record<string, string>>;
  /** The words that are not `key=value`, joined as Ansible joins them; absent when none. */
  readonly rest?: string;
}

/** Throws an Error naming the problem when a quote or a `{{ }}` block is not closed. */
export function parseKeyValueArgs(line: string): KeyValueArgs {
  const options: Record<string, string> = {};
  const rest: string[] = [];
  for (const word of splitArgs(line)) {
    const decoded = decodeEscapes(word);
    const eq = findAssignment(decoded);
    if (eq === undefined) rest.push(word);
    else if (eq < 0) rest.push(decoded.replace(/\\=/g, '='));
    else
      Object.defineProperty(options, decoded.slice(0, eq).trim(), {
        value: unquote(decoded.slice(eq + 1).trim()),
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return rest.length > 0 ? { options, rest: joinArgs(rest) } : { options };
}

/** The index of the first unescaped `=` after the first character; -1 when all are escaped; undefined when there is none. */
function findAssignment(word: string): number | undefined {
  if (!word.includes('=')) return undefined;
  for (let i = word.indexOf('=', 1); i > 0; i = word.indexOf('=', i + 1)) {
    if (word[i - 1] !== '\\') return i;
  }
  return -1;
}

function unquote(text: string): string {
  const quoted = text.length > 1 && text[0] === text.at(-1) && (text[0] === '"' || text[0] === "'") && text.at(-2) !== '\\';
  return quoted ? text.slice(1, -1) : text;
}

function joinArgs(words: readonly string[]): string {
  let out = '';
  for (const w of words) out += out === '' || out.endsWith('\n') ? w : ` ${w}`;
  return out;
}

const ESCAPE = /\\U[0-9a-fA-F]{8}|\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}|\\[\\'"abfnrtv]/g;
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

function decodeEscapes(text: string): string {
  return text.replace(ESCAPE, (m) => (m.length === 2 ? SIMPLE_ESCAPES[m[1]] : String.fromCodePoint(Number.parseInt(m.slice(2), 16))));
}

/** The quote still open after `token`, starting with `open` (a quote after a backslash does not count). */
function quoteState(token: string, open: string | undefined): string | undefined {
  let quote = open;
  for (let i = 0; i < token.length; i++) {
    const c = token[i];
    if ((c === '"' || c === "'") && (i === 0 || token[i - 1] !== '\\')) {
      if (quote === undefined) quote = c;
      else if (c === quote) quote = undefined;
    }
  }
  return quote;
}

function countOccurrences(text: string, part: string): number {
  let n = 0;
  for (let i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length)) n++;
  return n;
}

const BLOCKS = [
  ['{{', '}}'],
  ['{%', '%}'],
  ['{#', '#}'],
] as const;

/**
 * Ansible's split_args: split at single spaces, then glue back the pieces of a quoted
 * string or a Jinja block (with the space or line break that separated them).
 */
function splitArgs(text: string): string[] {
  const params: string[] = [];
  let quote: string | undefined;
  const depth = [0, 0, 0];
  const lines = text.split('\n');
  lines.forEach((line, lineIndex) => {
    const tokens = line.split(' ');
    let continued = false;
    tokens.forEach((token, idx) => {
      if (token.length === 0 && idx !== 0) {
        if (params.length > 0) params[params.length - 1] += ' ';
        return;
      }
      if (token === '\\' && quote === undefined) {
        continued = true;
        return;
      }
      const wasQuoted = quote !== undefined;
      quote = quoteState(token, quote);
      const inBlock = depth.some((d) => d > 0);
      let appended = false;
      if (quote !== undefined && !wasQuoted && !inBlock) {
        params.push(token);
        appended = true;
      } else if (inBlock || quote !== undefined || wasQuoted) {
        if (params.length === 0) params.push('');
        const last = params.length - 1;
        if (idx === 0 && wasQuoted) params[last] += token;
        else if (tokens.length > 1) params[last] += (idx > 0 ? ' ' : '') + token;
        else params[last] += `\n${token}`;
        appended = true;
      }
      BLOCKS.forEach(([open, close], b) => {
        const before = depth[b];
        const change = countOccurrences(token, open) - countOccurrences(token, close);
        if (change !== 0) depth[b] = Math.max(0, before + change);
        if (depth[b] !== before && !appended) {
          params.push(token);
          appended = true;
        }
      });
      if (!depth.some((d) => d > 0) && quote === undefined && !appended && token !== '') params.push(token);
    });
    if (lines.length > 1 && lineIndex !== lines.length - 1 && !continued && params.length > 0) params[params.length - 1] += '\n';
  });
  if (quote !== undefined) throw new Error(`a ${quote === '"' ? 'double' : 'single'} quote is not closed`);
  if (depth.some((d) => d > 0)) throw new Error('a Jinja block ({{ … }}, {% … %} or {# … #}) is not closed');
  return params;
}
