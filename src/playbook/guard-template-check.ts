import type { TemplateSyntaxProblem } from '../template/syntax.js';

/** Brackets, and `{% if %}`-like blocks, nested deeper than this are refused before the template parser sees them. */
export const MAX_TEMPLATE_NESTING = 100;
/** One `{{ }}` / `{% %}` (or one bare condition) longer than this is refused: the parser recurses once per operator. */
export const MAX_EXPRESSION_LENGTH = 2000;

const BLOCK_START = /^\{%-?\s*(if|for|macro|call|filter|block|raw|verbatim)\b/;
const BLOCK_END = /^\{%-?\s*end/;
const CLOSER: Readonly<Record<string, string>> = { '{{': '}}', '{%': '%}', '{#': '#}' };

/**
 * Runs a template syntax check (`check`) on text the parser can take: nesting and expression
 * length are bounded first (nunjucks parses recursively and a few thousand levels exhaust the
 * stack), and a check that still throws becomes a problem instead of a crash.
 */
export function checkGuarded(text: string, bare: boolean, check: (t: string) => TemplateSyntaxProblem | null): TemplateSyntaxProblem | null {
  const tooComplex = bare ? checkExpressionSize(text, 0) : checkTemplateSize(text);
  if (tooComplex) return tooComplex;
  try {
    const problem = check(text);
    if (problem && /call stack/i.test(problem.message)) return { ...problem, message: 'too deeply nested to check; simplify it' };
    return problem;
  } catch {
    return { message: 'too deeply nested to check; simplify it', ...positionOf(text, 0) };
  }
}

/** Each `{{ }}`, `{% %}`, `{# #}` of a template, and the nesting of its blocks. */
function checkTemplateSize(text: string): TemplateSyntaxProblem | null {
  let blocks = 0;
  for (let at = text.search(/\{[{%#]/); at >= 0; ) {
    const opener = text.slice(at, at + 2);
    const end = text.indexOf(CLOSER[opener], at + 2);
    // An unclosed one is left to the parser, which says so.
    if (end < 0) return null;
    if (opener !== '{#') {
      const tooComplex = checkExpressionSize(text.slice(at + 2, end), at + 2, text);
      if (tooComplex) return tooComplex;
    }
    if (opener === '{%') {
      const tag = text.slice(at, end);
      if (BLOCK_START.test(tag) && ++blocks > MAX_TEMPLATE_NESTING)
        return { message: `{% %} blocks nested more than ${MAX_TEMPLATE_NESTING} deep; simplify it`, ...positionOf(text, at) };
      if (BLOCK_END.test(tag)) blocks = Math.max(0, blocks - 1);
    }
    const next = text.slice(end + 2).search(/\{[{%#]/);
    at = next < 0 ? -1 : end + 2 + next;
  }
  return null;
}

/** One expression: its length and its bracket depth. `offset` is where it starts in `whole`. */
function checkExpressionSize(expr: string, offset: number, whole: string = expr): TemplateSyntaxProblem | null {
  if (expr.length > MAX_EXPRESSION_LENGTH)
    return { message: `expression longer than ${MAX_EXPRESSION_LENGTH} characters; split it, or compute it in a variable`, ...positionOf(whole, offset) };
  let depth = 0;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === '(' || c === '[' || c === '{') {
      if (++depth > MAX_TEMPLATE_NESTING)
        return { message: `brackets nested more than ${MAX_TEMPLATE_NESTING} deep; simplify it`, ...positionOf(whole, offset + i) };
    } else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
  }
  return null;
}

/** 1-based line and column of an offset in `text`. */
function positionOf(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, col: offset - lineStart + 1 };
}
