/**
 * Syntax checks for validation time (`tpx validate`, before any connection): a string
 * with `{{ }}` / `{% %}`, or a bare `when`/`until`/`changed_when`/`failed_when`
 * expression. Parse errors and unknown filter or test names are reported with a short
 * message and a 1-based position within the checked text.
 */
import { FILTER_NAMES, TEST_NAMES, isKnownFilter, isKnownTest } from './catalog.js';
import { isNode, type NjNode } from './nunjucks-internals.js';
import { parseExpressionAst, parseTemplateAst } from './parser.js';
import { suggest } from '../errors/suggest.js';
import { describeParseError, type TemplateSyntaxProblem } from './syntax-problem.js';

export type { TemplateSyntaxProblem } from './syntax-problem.js';

const TEMPLATE_MARK = /\{\{|\{%|\{#/;

/** True when `text` holds template syntax (`{{`, `{%` or `{#`) and so needs rendering. */
export function containsTemplate(text: string): boolean {
  return TEMPLATE_MARK.test(text);
}

/** The first syntax problem of a template string, or null when it is well formed. */
export function checkTemplateSyntax(text: string): TemplateSyntaxProblem | null {
  if (!containsTemplate(text)) return null;
  let ast: NjNode;
  try {
    ast = parseTemplateAst(text);
  } catch (error) {
    return describeParseError(error, text, false);
  }
  return findUnknownName(ast);
}

/** The first syntax problem of a bare expression (no `{{ }}`), or null when it is well formed. */
export function checkExpressionSyntax(expr: string): TemplateSyntaxProblem | null {
  if (expr.trim() === '') return { message: 'empty expression', line: 1, col: 1 };
  const delimited = /^\s*\{\{.*\}\}\s*$/s.exec(expr);
  if (delimited) {
    const col = expr.indexOf('{{') + 1;
    return { message: 'a condition is a bare expression: remove the "{{ }}"', line: 1, col };
  }
  let ast: NjNode;
  try {
    ast = parseExpressionAst(expr);
  } catch (error) {
    return describeParseError(error, expr, true);
  }
  return findUnknownName(ast);
}

/** The first filter or test in `ast` (in source order) that tpx does not know. */
export function findUnknownName(ast: NjNode): TemplateSyntaxProblem | null {
  let first: TemplateSyntaxProblem | null = null;
  visitNodes(ast, (node) => {
    const problem = checkNodeName(node);
    if (problem && (!first || problem.line < first.line || (problem.line === first.line && problem.col < first.col))) {
      first = problem;
    }
  });
  return first;
}

function checkNodeName(node: NjNode): TemplateSyntaxProblem | null {
  if (isNode(node, 'Filter')) {
    const name = node.name as NjNode;
    const value = String(name.value);
    if (isKnownFilter(value)) return null;
    return problemAt(name, describeUnknown('filter', value, FILTER_NAMES));
  }
  if (isNode(node, 'Is')) {
    const right = node.right as NjNode;
    const nameNode = isNode(right, 'FunCall') ? (right.name as NjNode) : right;
    const value = String(nameNode.value);
    if (isKnownTest(value)) return null;
    return problemAt(nameNode, describeUnknown('test', value, TEST_NAMES));
  }
  return null;
}

function describeUnknown(kind: string, name: string, known: readonly string[]): string {
  const suggestion = suggest(name, known);
  return `unknown ${kind} "${name}"` + (suggestion ? `; did you mean "${suggestion}"?` : '');
}

function problemAt(node: NjNode, message: string): TemplateSyntaxProblem {
  return { message, line: node.lineno + 1, col: node.colno + 1 };
}

/** Calls `visit` on every node of the tree, depth first. */
export function visitNodes(node: NjNode, visit: (node: NjNode) => void): void {
  visit(node);
  for (const field of node.fields) {
    const value = node[field];
    if (Array.isArray(value)) {
      for (const v of value) if (isNode(v, 'Node')) visitNodes(v as NjNode, visit);
    } else if (isNode(value, 'Node')) {
      visitNodes(value as NjNode, visit);
    }
  }
}
