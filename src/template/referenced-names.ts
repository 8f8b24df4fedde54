import { isNode, type NjNode } from './nunjucks-internals.js';
import { parseExpressionAst, parseTemplateAst } from './parser.js';
import { containsTemplate, visitNodes } from './syntax.js';

/**
 * Every variable name a value may read: the symbols of every template in it (`{{ x.y }}` →
 * `x`) and of every string that parses as a bare expression (`when: plan.flush` → `plan`).
 * A superset: plain words parse as expressions too. Strings that parse as neither count for
 * nothing.
 */
export function referencedNames(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') {
    let ast: NjNode | undefined;
    try {
      ast = containsTemplate(value) ? parseTemplateAst(value) : parseExpressionAst(value);
    } catch {
      ast = undefined;
    }
    if (ast) {
      visitNodes(ast, (node) => {
        if (isNode(node, 'Symbol')) into.add(String(node.value));
      });
    }
  } else if (Array.isArray(value)) {
    for (const item of value) referencedNames(item, into);
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) referencedNames(item, into);
  }
  return into;
}
