/**
 * Turns nunjucks' parse errors into short human messages with a 1-based position.
 * nunjucks leaves some errors without a position (an unclosed `{{` or string reaches
 * the end of the text); those are placed on the opener that was never closed.
 */
import type { NjToken } from './nunjucks-internals.js';
import { lexJinja } from './lexer.js';

/** A syntax problem in a template or expression; line and col are 1-based within the text. */
export interface TemplateSyntaxProblem {
  readonly message: string;
  readonly line: number;
  readonly col: number;
}

interface ParseErrorLike {
  message: string;
  lineno?: number;
  colno?: number;
}

const BLOCK_TAGS = new Set(['if', 'for', 'macro', 'call', 'filter', 'block', 'raw', 'verbatim', 'set']);

/** Translates an error thrown by the nunjucks lexer or parser on `text`. */
export function describeParseError(error: unknown, text: string, inCode: boolean): TemplateSyntaxProblem {
  const err = error as ParseErrorLike;
  const raw = String(err.message ?? error)
    .replace(/^\(unknown path\)\s*/, '')
    .trim();
  const positioned = typeof err.lineno === 'number' && typeof err.colno === 'number' && err.lineno > 0;
  if (!positioned) return describeUnpositioned(raw, text, inCode);
  const line = err.lineno as number;
  const col = err.colno as number;
  return { message: rewordMessage(raw, tokenAt(text, line, col)), line, col };
}

function rewordMessage(raw: string, found: string): string {
  let m: RegExpMatchArray | null;
  if (raw === 'expected variable end') return `unexpected ${quote(found)} in expression; expected "}}"`;
  if ((m = raw.match(/^unexpected token: (.*)$/s))) return `unexpected ${quote(m[1])} in expression`;
  if (raw.startsWith('parseAggregate: expected comma')) return `unclosed ${quote(found)} (or a missing ",")`;
  if (raw.startsWith('parseAggregate: expected colon')) return 'expected ":" after a dict key';
  if (raw.startsWith('parseSignature: expected comma')) return `expected "," or ")" in arguments, got ${quote(found)}`;
  if ((m = raw.match(/^expected name as lookup value, got (.*)$/s))) return `expected an attribute name after ".", got ${quote(m[1])}`;
  if ((m = raw.match(/^expected symbol, got (.*)$/))) return `expected a name, got ${quote(found || m[1])}`;
  if ((m = raw.match(/^unknown block tag: (.*)$/))) return `unknown or unexpected tag "${m[1]}"`;
  if ((m = raw.match(/^expected block end in (\w+) statement$/))) return `expected "%}" to end the "${m[1]}" tag`;
  if (raw === 'invalid index') return 'invalid index: use one value inside "[ ]"';
  return raw.replace(/^parse\w+: /, '');
}

function describeUnpositioned(raw: string, text: string, inCode: boolean): TemplateSyntaxProblem {
  const scan = scanOpeners(text, inCode);
  if (scan.unclosedString) return { message: 'unclosed string', ...toPosition(scan.unclosedString) };
  if (scan.openBracket) return { message: `unclosed ${quote(scan.openBracket.value)}`, ...toPosition(scan.openBracket) };
  if (scan.openBlock && !scan.openTag) {
    return { message: `unclosed "{% ${scan.openBlock.name} %}"; expected "{% end${scan.openBlock.name} %}"`, ...toPosition(scan.openBlock.tok) };
  }
  if (scan.openTag) return { message: `unclosed ${quote(scan.openTag.value.replace('-', ''))}`, ...toPosition(scan.openTag) };
  if (scan.lexError) return { message: scan.lexError.message, line: scan.lexError.line, col: scan.lexError.col };
  const end = endPosition(text);
  // nunjucks sometimes crashes on a null token at the end instead of reporting it.
  const atEnd = /end of file|Cannot read properties of null/.test(raw);
  const message = atEnd ? 'unexpected end of text' : raw.replace(/^parse\w+: /, '');
  return { message, ...end };
}

interface OpenerScan {
  openTag?: NjToken;
  openBlock?: { name: string; tok: NjToken };
  openBracket?: NjToken;
  unclosedString?: NjToken;
  lexError?: TemplateSyntaxProblem;
}

/** Lexes `text` to find the `{{`/`{%` and block tag still open at its end. */
function scanOpeners(text: string, inCode: boolean): OpenerScan {
  const tokens = lexJinja(text, inCode);
  const scan: OpenerScan = {};
  const blocks: { name: string; tok: NjToken }[] = [];
  const brackets: NjToken[] = [];
  let last: NjToken | null = null;
  let tagStart: NjToken | null = null;
  let expectTagName = false;
  try {
    for (let tok = tokens.nextToken(); tok; tok = tokens.nextToken()) {
      if (tok.type === 'whitespace') continue;
      last = tok;
      if (tok.type === 'variable-start' || tok.type === 'block-start') {
        tagStart = tok;
        expectTagName = tok.type === 'block-start';
      } else if (tok.type === 'variable-end' || tok.type === 'block-end') {
        tagStart = null;
        brackets.length = 0;
      } else if (/^left-/.test(tok.type)) {
        brackets.push(tok);
      } else if (/^right-/.test(tok.type)) {
        brackets.pop();
      } else if (expectTagName && tok.type === 'symbol' && tagStart) {
        expectTagName = false;
        if (tok.value.startsWith('end')) blocks.pop();
        else if (BLOCK_TAGS.has(tok.value)) blocks.push({ name: tok.value, tok: tagStart });
      } else if (tok.type === 'operator' && tok.value === '=' && blocks.at(-1)?.name === 'set') {
        blocks.pop(); // `{% set x = 1 %}` has no end tag
      }
    }
  } catch (error) {
    scan.lexError = { message: String((error as Error).message), line: tokens.lineno + 1, col: tokens.colno + 1 };
  }
  if (tagStart) scan.openTag = tagStart;
  if (brackets.length > 0) scan.openBracket = brackets[brackets.length - 1];
  if (blocks.length > 0) scan.openBlock = blocks[blocks.length - 1];
  if (last && last.type === 'string' && isStringUnclosed(text, last)) scan.unclosedString = last;
  return scan;
}

function isStringUnclosed(text: string, tok: NjToken): boolean {
  const offset = offsetOf(text, tok.lineno + 1, tok.colno + 1);
  const quoteChar = text[offset];
  let i = offset + 1;
  while (i < text.length) {
    if (text[i] === '\\') i += 2;
    else if (text[i] === quoteChar) return false;
    else i++;
  }
  return true;
}

function toPosition(tok: NjToken): { line: number; col: number } {
  return { line: tok.lineno + 1, col: tok.colno + 1 };
}

function endPosition(text: string): { line: number; col: number } {
  const lines = text.split('\n');
  return { line: lines.length, col: lines[lines.length - 1].length + 1 };
}

function offsetOf(text: string, line: number, col: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) offset = text.indexOf('\n', offset) + 1;
  return offset + col - 1;
}

/** The token-ish text at a 1-based position, for messages. */
function tokenAt(text: string, line: number, col: number): string {
  const rest = text.slice(offsetOf(text, line, col));
  const m = rest.match(/^(\}\}|%\}|\{\{|\{%|[A-Za-z_][\w]*|\d+(\.\d+)?|"[^"]*"?|'[^']*'?|\S)/);
  return m ? m[0] : '';
}

function quote(s: string): string {
  return s === '' ? 'end of text' : JSON.stringify(s);
}
