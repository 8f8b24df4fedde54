/**
 * Parsing templates and bare expressions with nunjucks' own parser, plus two grammar
 * fixes: Jinja2's one-argument test form without parentheses (`x is in groups`,
 * `n is divisibleby 3`), and Python's slices (`xs[:2]`, `s[1:]`, `xs[::-1]`), which
 * nunjucks does not parse.
 */
import { lexJinja, type TemplateSyntaxOptions } from './lexer.js';
import { nj, type NjNode, type NjParser, type NjToken, type NjTokenizer } from './nunjucks-internals.js';
import { SliceNode } from './slice.js';

/** Tokens that end a test with no argument (`x is defined and …`). */
const WORDS_AFTER_TEST = new Set(['and', 'or', 'else', 'if', 'is', 'not', 'in']);
/** Token types that can start a bare test argument, as in Jinja2's parse_test. */
const ARGUMENT_START_TYPES = new Set(['symbol', 'string', 'int', 'float', 'boolean', 'none', 'left-bracket', 'left-curly']);

interface ParserInternals extends NjParser {
  nextToken(): NjToken | null;
  pushToken(tok: NjToken | null): void;
  skipSymbol(name: string): boolean;
  parseCompare(): NjNode;
  parsePrimary(noPostfix?: boolean): NjNode;
  parseSignature(tolerant?: boolean, noParens?: boolean): NjNode;
  parseFilterArgs(node: NjNode): NjNode[];
  parseExpression(): NjNode;
  fail(message: string, lineno?: number, colno?: number): never;
}

const BaseParser = nj.parser.Parser as unknown as new (tokens: NjTokenizer) => ParserInternals;

/** nunjucks' Parser with Jinja2's test grammar: `is [not] NAME`, `NAME(args)` or `NAME arg`. */
class JinjaParser extends BaseParser {
  parseIs(): NjNode {
    let node = this.parseCompare();
    if (this.skipSymbol('is')) {
      const negated = this.skipSymbol('not');
      const test = this.parseTestCall();
      node = new nj.nodes.Is(node.lineno, node.colno, node, test);
      if (negated) node = new nj.nodes.Not(node.lineno, node.colno, node);
    }
    return node;
  }

  /** nunjucks reads the token after a filter name without checking for the end (`when: x | int`). */
  override parseFilterArgs(node: NjNode): NjNode[] {
    return this.peekToken() ? super.parseFilterArgs(node) : [];
  }

  /** Calls, `.name` and `[index]` after a primary, as nunjucks does, plus `[start:stop:step]`. */
  parsePostfix(node: NjNode): NjNode {
    for (let tok = this.peekToken(); tok; tok = this.peekToken()) {
      if (tok.type === 'left-paren') {
        node = new nj.nodes.FunCall(tok.lineno, tok.colno, node, this.parseSignature());
      } else if (tok.type === 'left-bracket') {
        node = this.parseSubscript(node);
      } else if (tok.type === 'operator' && tok.value === '.') {
        this.nextToken();
        const name = this.nextToken();
        if (name?.type === 'int') {
          // Jinja2's `item.0` is `item[0]` (the lexer gives an integer after a dot, see lexer.ts).
          node = new nj.nodes.LookupVal(tok.lineno, tok.colno, node, new nj.nodes.Literal(name.lineno, name.colno, Number(name.value)));
          continue;
        }
        // nunjucks' own message, which syntax-problem.ts rewords.
        if (name?.type !== 'symbol') this.fail(`expected name as lookup value, got ${name ? name.value : 'end of text'}`, name?.lineno, name?.colno);
        node = new nj.nodes.LookupVal(tok.lineno, tok.colno, node, new nj.nodes.Literal(name.lineno, name.colno, name.value));
      } else {
        break;
      }
    }
    return node;
  }

  /** `[expr]` (a lookup) or a slice `[a:b]`, `[a:b:c]`, any part optional. */
  private parseSubscript(target: NjNode): NjNode {
    const open = this.nextToken()!;
    const parts: (NjNode | null)[] = [];
    let current: NjNode | null = null;
    for (;;) {
      const tok = this.peekToken();
      if (!tok) this.fail('unclosed "["', open.lineno, open.colno);
      if (tok.type === 'right-bracket') {
        this.nextToken();
        break;
      }
      if (tok.type === 'colon') {
        this.nextToken();
        parts.push(current);
        current = null;
        if (parts.length > 2) this.fail('too many ":" in a slice', tok.lineno, tok.colno);
        continue;
      }
      if (current) this.fail(tok.type === 'comma' ? 'invalid index' : `unexpected ${describeToken(tok)} in "[ ]"`, tok.lineno, tok.colno);
      current = this.parseExpression();
    }
    if (parts.length === 0) {
      if (!current) this.fail('empty "[]" after a value', open.lineno, open.colno);
      return new nj.nodes.LookupVal(open.lineno, open.colno, target, current);
    }
    parts.push(current);
    return new SliceNode(open.lineno, open.colno, target, parts[0], parts[1], parts[2] ?? null);
  }

  private parseTestCall(): NjNode {
    const tok = this.nextToken();
    if (!tok || (tok.type !== 'symbol' && tok.type !== 'none')) {
      this.fail(`expected a test name after "is", got ${describeToken(tok)}`, tok?.lineno, tok?.colno);
    }
    const name = new nj.nodes.Symbol(tok.lineno, tok.colno, tok.value);
    const next = this.peekToken();
    if (next && next.type === 'left-paren') {
      return new nj.nodes.FunCall(tok.lineno, tok.colno, name, this.parseSignature());
    }
    if (next && ARGUMENT_START_TYPES.has(next.type) && !(next.type === 'symbol' && WORDS_AFTER_TEST.has(next.value))) {
      const arg = this.parsePrimary();
      const args = new nj.nodes.NodeList(next.lineno, next.colno, [arg]);
      return new nj.nodes.FunCall(tok.lineno, tok.colno, name, args);
    }
    return name;
  }
}

/** `"}}"`, or `end of text`, for messages. */
export function describeToken(tok: NjToken | null | undefined): string {
  return tok ? JSON.stringify(tok.value) : 'end of text';
}

/** Parses a template; throws nunjucks' TemplateError (1-based lineno/colno when known). */
export function parseTemplateAst(text: string, options?: TemplateSyntaxOptions): NjNode {
  return new JinjaParser(lexJinja(text, false, options)).parseAsRoot();
}

/**
 * Parses a bare expression (a `when` condition) as if it stood inside `{{ }}`; anything
 * left after the expression is an error. Positions are those within `expr`.
 */
export function parseExpressionAst(expr: string): NjNode {
  const parser = new JinjaParser(lexJinja(expr, true));
  const node = parser.parseExpression();
  const rest = parser.peekToken();
  if (rest) parser.fail(`unexpected ${describeToken(rest)} in expression`, rest.lineno, rest.colno);
  return node;
}
