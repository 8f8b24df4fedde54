/**
 * Parsing templates and bare expressions with nunjucks' own parser, plus one grammar
 * fix: Jinja2's one-argument test form without parentheses (`x is in groups`,
 * `n is divisibleby 3`), which nunjucks does not parse.
 */
import { lexJinja } from './lexer.js';
import { nj, type NjNode, type NjParser, type NjToken, type NjTokenizer } from './nunjucks-internals.js';

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
export function parseTemplateAst(text: string): NjNode {
  return new JinjaParser(lexJinja(text)).parseAsRoot();
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
