/**
 * nunjucks' lexer with two Jinja2/Ansible behaviours it lacks:
 * - inside an open `{` a `}}` closes the dict rather than the tag, as in Jinja2, so
 *   `{{ d | combine({'a': {'b': 1}}) }}` lexes as written;
 * - string literals read like Ansible's: inside `{{ }}` backslashes are literal (Ansible
 *   doubles them before Jinja2 sees them, so `regex_search('\d+')` means `\d+`), while in
 *   `{% %}` tags and bare `when` expressions Python's escapes apply (`\n`, `\\`, `\'`; an
 *   unknown escape such as `\d` keeps its backslash). nunjucks would turn `\d` into `d`.
 */
import { nj, type NjToken, type NjTokenizer } from './nunjucks-internals.js';

interface TokenizerInternals extends NjTokenizer {
  readonly str: string;
  readonly index: number;
  forward(): void;
  backN(n: number): void;
}

const PYTHON_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
  '\n': '',
};

/** Python's string-literal escapes: `\n`, `\\`, `\'`, `\xhh`, `\uhhhh`; unknown escapes stay as written. */
export function decodePythonEscapes(raw: string): string {
  return raw.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[\s\S])/g, (all, esc: string) => {
    if (esc.length > 1) return String.fromCharCode(parseInt(esc.slice(1), 16));
    return Object.hasOwn(PYTHON_ESCAPES, esc) ? PYTHON_ESCAPES[esc] : all;
  });
}

/** Jinja2's environment options that change how a whole template file is read (the template module's). */
export interface TemplateSyntaxOptions {
  /** Drop the first newline after a block or comment tag (Jinja2's trim_blocks). */
  readonly trimBlocks?: boolean;
  /** Drop spaces and tabs from the start of a line up to a block or comment tag (lstrip_blocks). */
  readonly lstripBlocks?: boolean;
  readonly blockStart?: string;
  readonly blockEnd?: string;
  readonly variableStart?: string;
  readonly variableEnd?: string;
  readonly commentStart?: string;
  readonly commentEnd?: string;
}

/** Lexes `text` like Jinja2 in Ansible; `inCode` starts inside an expression (a `when`). */
export function lexJinja(text: string, inCode = false, options: TemplateSyntaxOptions = {}): NjTokenizer {
  const { trimBlocks, lstripBlocks, ...tags } = options;
  const tokens = nj.lexer.lex(text, { trimBlocks, lstripBlocks, tags }) as TokenizerInternals;
  tokens.in_code = inCode;
  const base = tokens.nextToken.bind(tokens);
  const commentStart = tags.commentStart ?? '{#';
  // nunjucks applies trim_blocks and lstrip_blocks to block tags only; Jinja2 to comments too.
  const next = (): NjToken | null => {
    const tok = base();
    if (tok?.type === 'comment' && trimBlocks && tokens.str[tokens.index] === '\n') tokens.forward();
    if (tok?.type === 'data' && lstripBlocks && tokens.str.startsWith(commentStart, tokens.index)) {
      const nl = tok.value.lastIndexOf('\n');
      if (/^[ \t]*$/.test(tok.value.slice(nl + 1)) && (nl >= 0 || tok.colno === 0)) {
        const value = tok.value.slice(0, nl + 1);
        return value === '' ? next() : { ...tok, value };
      }
    }
    return tok;
  };
  let depth = 0;
  let inVariable = false;
  let afterDot = false;
  tokens.nextToken = (): NjToken | null => {
    const tok = nextJinjaToken();
    afterDot = tok?.type === 'operator' && tok.value === '.';
    return tok;
  };
  const nextJinjaToken = (): NjToken | null => {
    if (tokens.in_code && depth > 0 && tokens.str.startsWith('}}', tokens.index)) {
      const tok = { type: 'right-curly', value: '}', lineno: tokens.lineno, colno: tokens.colno };
      tokens.forward();
      depth--;
      return tok;
    }
    const start = tokens.index;
    const tok = next();
    if (!tok) return tok;
    const digits = afterDot && tok.type === 'float' ? /^\d+/.exec(tok.value)?.[0] : undefined;
    if (digits !== undefined) {
      // Jinja2 reads `x.1.2` as x[1][2] and `users.2.uid` as users[2].uid: after a dot a number is an integer.
      // Back to just after the digits (nunjucks' value of `1.` at the end is not what it read).
      tokens.backN(tokens.index - (start + digits.length));
      return { ...tok, type: 'int', value: digits };
    }
    switch (tok.type) {
      case 'left-curly':
        depth++;
        break;
      case 'right-curly':
        depth = Math.max(0, depth - 1);
        break;
      case 'variable-start':
        inVariable = true;
        break;
      case 'block-start':
        inVariable = false;
        break;
      case 'variable-end':
      case 'block-end':
        depth = 0;
        inVariable = false;
        break;
      case 'string': {
        const closed = tokens.str[tokens.index - 1] === tokens.str[start] && tokens.index - start >= 2;
        const raw = tokens.str.slice(start + 1, closed ? tokens.index - 1 : tokens.index);
        return { ...tok, value: inVariable ? raw : decodePythonEscapes(raw) };
      }
    }
    return tok;
  };
  return tokens;
}
