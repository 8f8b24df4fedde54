/**
 * Reads a value of an INI inventory as Ansible does: Python's `ast.literal_eval`, and the
 * text itself when that fails. So `8080` is a number, `True` a boolean, `None` null,
 * `'a b'` and `"a b"` the string without quotes, `[1, 'x']` a list, `{'k': 1}` a mapping,
 * `1, 2` a list (a Python tuple), while `yes`, `true`, `010` or `a.b` stay strings.
 *
 * Not read as Python does, and kept as text instead: complex numbers (`1+2j`) and `\N{…}`
 * escapes. Sets come out as lists, as they would in JSON; integers beyond 2^53 lose
 * precision, as JSON numbers do in JavaScript.
 */
export function parseIniValue(text: string): unknown {
  const parsed = parsePythonLiteral(text.replace(/^[ \t]+/, ''));
  return parsed === FAILED ? text : parsed.value;
}

const FAILED = Symbol('not a literal');
type Parsed = { readonly value: unknown } | typeof FAILED;

/** A Python literal expression, or FAILED when the text is not exactly one. */
export function parsePythonLiteral(text: string): Parsed {
  try {
    const p = new LiteralParser(text);
    const value = p.expression(true);
    p.skipSpace();
    if (!p.atEnd()) return FAILED;
    return { value };
  } catch (error) {
    if (error instanceof NotLiteral) return FAILED;
    throw error;
  }
}

class NotLiteral extends Error {}

const fail = (): never => {
  throw new NotLiteral();
};

const STRING_PREFIX = /^(?:[rRuUbB]|[bB][rR]|[rR][bB])?(?='|")/;
const NUMBER = /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:\d(?:_?\d)*)?\.?(?:\d(?:_?\d)*)?(?:[eE][+-]?\d(?:_?\d)*)?)/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const CLOSERS: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };
const MAX_DEPTH = 100;

class LiteralParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  /** Spaces, tabs, comments; inside brackets line breaks too (Python joins those lines). */
  skipSpace(depth = 0): void {
    for (;;) {
      const c = this.text[this.pos];
      if (c === ' ' || c === '\t' || c === '\f' || (depth > 0 && (c === '\n' || c === '\r'))) this.pos += 1;
      else if (c === '#') {
        while (this.pos < this.text.length && this.text[this.pos] !== '\n') this.pos += 1;
      } else return;
    }
  }

  /** One value, or at the top level `a, b` (a tuple). */
  expression(topLevel: boolean, depth = 0): unknown {
    const first = this.value(depth);
    this.skipSpace(depth);
    if (!topLevel || this.text[this.pos] !== ',') return first;
    const items = [first];
    while (this.text[this.pos] === ',') {
      this.pos += 1;
      this.skipSpace(depth);
      if (this.atEnd()) break;
      items.push(this.value(depth));
      this.skipSpace(depth);
    }
    return items;
  }

  private value(depth: number): unknown {
    this.skipSpace(depth);
    const rest = this.text.slice(this.pos);
    const c = rest[0];
    if (c === undefined) return fail();
    if (c in CLOSERS) return this.container(c, depth + 1);
    if (STRING_PREFIX.test(rest)) return this.strings(depth);
    if (c === '-' || c === '+') {
      this.pos += 1;
      this.skipSpace(depth);
      const n = this.number();
      return c === '-' ? -n : n;
    }
    if (/^[0-9.]/.test(rest)) return this.number();
    const name = NAME.exec(rest)?.[0];
    if (name === 'True' || name === 'False' || name === 'None') {
      this.pos += name.length;
      return name === 'True' ? true : name === 'False' ? false : null;
    }
    return fail();
  }

  private number(): number {
    const rest = this.text.slice(this.pos);
    const m = NUMBER.exec(rest)?.[0] ?? '';
    if (!/^\.?\d/.test(m) || /^[jJA-Za-z_.]/.test(rest.slice(m.length))) return fail();
    this.pos += m.length;
    const digits = m.replace(/_/g, '');
    if (/^0[xXoObB]/.test(digits)) return Number(digits);
    // Python refuses leading zeros on a decimal integer (`010`), except for zero itself.
    if (/^0\d/.test(digits) && /^\d+$/.test(digits) && /[1-9]/.test(digits)) return fail();
    return Number(digits);
  }

  /** Adjacent string literals join (`'a' "b"` is `ab`), as in Python; bytes read as text. */
  private strings(depth: number): string {
    let out = '';
    let kind: 'text' | 'bytes' | undefined;
    for (;;) {
      const prefix = STRING_PREFIX.exec(this.text.slice(this.pos))?.[0];
      if (prefix === undefined) break;
      const bytes = /[bB]/.test(prefix);
      if (kind !== undefined && (kind === 'bytes') !== bytes) return fail();
      kind = bytes ? 'bytes' : 'text';
      this.pos += prefix.length;
      out += this.string(/[rR]/.test(prefix), bytes);
      this.skipSpace(depth);
    }
    return out;
  }

  private string(raw: boolean, bytes: boolean): string {
    const t = this.text;
    const triple = t.startsWith(t[this.pos].repeat(3), this.pos);
    const quote = triple ? t[this.pos].repeat(3) : t[this.pos];
    this.pos += quote.length;
    let out = '';
    for (;;) {
      if (this.pos >= t.length) return fail();
      if (t.startsWith(quote, this.pos)) {
        this.pos += quote.length;
        return out;
      }
      const c = t[this.pos];
      if (!triple && (c === '\n' || c === '\r')) return fail();
      if (c !== '\\') {
        out += c;
        this.pos += 1;
      } else if (raw) {
        out += c + (t[this.pos + 1] ?? '');
        this.pos += 2;
      } else out += this.escape(bytes);
    }
  }

  private escape(bytes: boolean): string {
    const t = this.text;
    const next = t[this.pos + 1];
    if (next === undefined) return fail();
    const simple: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '' };
    if (next in simple) {
      this.pos += 2;
      return simple[next];
    }
    const octal = /^[0-7]{1,3}/.exec(t.slice(this.pos + 1))?.[0];
    if (octal) {
      this.pos += 1 + octal.length;
      return String.fromCodePoint(Number.parseInt(octal, 8));
    }
    const width = next === 'x' ? 2 : !bytes && next === 'u' ? 4 : !bytes && next === 'U' ? 8 : 0;
    if (width > 0) {
      const hex = t.slice(this.pos + 2, this.pos + 2 + width);
      if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) return fail();
      const code = Number.parseInt(hex, 16);
      if (code > 0x10ffff) return fail();
      this.pos += 2 + width;
      return String.fromCodePoint(code);
    }
    if (next === 'N' && !bytes) return fail();
    // Python keeps an unknown escape as written.
    this.pos += 2;
    return `\\${next}`;
  }

  private container(open: string, depth: number): unknown {
    // Python gives up far sooner (its parser's nesting limit); kept as text, as failures are.
    if (depth > MAX_DEPTH) return fail();
    const close = CLOSERS[open];
    this.pos += 1;
    const items: unknown[] = [];
    const entries: [unknown, unknown][] = [];
    let isDict = false;
    let sawComma = false;
    for (;;) {
      this.skipSpace(depth);
      if (this.text[this.pos] === close) {
        this.pos += 1;
        break;
      }
      const item = this.value(depth);
      this.skipSpace(depth);
      if (open === '{' && this.text[this.pos] === ':') {
        if (items.length > 0) return fail();
        isDict = true;
        this.pos += 1;
        entries.push([item, this.value(depth)]);
        this.skipSpace(depth);
      } else if (isDict) return fail();
      else items.push(item);
      if (this.text[this.pos] === ',') {
        sawComma = true;
        this.pos += 1;
      } else if (this.text[this.pos] !== close) return fail();
    }
    // `(1)` is just 1; `(1,)` and `()` are tuples.
    if (open === '(' && items.length === 1 && !sawComma) return items[0];
    if (isDict || (open === '{' && items.length === 0)) return dictOf(entries);
    if (open === '{' || open === '(' || open === '[') return open === '{' ? [...new Set(items)] : items;
    return fail();
  }
}

/** A Python dict as a JSON object: keys as Python's json module writes them. */
function dictOf(entries: readonly [unknown, unknown][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    if (k !== null && typeof k === 'object') return fail(); // unhashable key
    const key = k === true ? 'true' : k === false ? 'false' : k === null ? 'null' : String(k);
    Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
