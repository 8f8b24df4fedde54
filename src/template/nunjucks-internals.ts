/**
 * Typed access to the parts of nunjucks that are public at runtime but not in its type
 * declarations: the lexer, the parser, the AST node classes and the compiler. tpx uses
 * them to check syntax without rendering and to compile with its own Compiler subclass
 * (see compiler.ts). Only the members tpx touches are declared.
 */
import { createRequire } from 'node:module';
import nunjucks from 'nunjucks';

/** A lexer token; `lineno`/`colno` are 0-based. */
export interface NjToken {
  readonly type: string;
  readonly value: string;
  readonly lineno: number;
  readonly colno: number;
}

/** The nunjucks tokenizer; `lineno`/`colno` are its current 0-based position. */
export interface NjTokenizer {
  in_code: boolean;
  readonly lineno: number;
  readonly colno: number;
  nextToken(): NjToken | null;
}

/** Any AST node; the fields present depend on `typename`. */
export interface NjNode {
  readonly typename: string;
  readonly lineno: number;
  readonly colno: number;
  readonly fields: readonly string[];
  children?: NjNode[];
  value?: unknown;
  name?: NjNode;
  args?: NjNode;
  left?: NjNode;
  right?: NjNode;
  target?: NjNode;
  val?: NjNode;
  /** Set by tpx's compiler on nodes that may evaluate to Undefined without an error. */
  tolerant?: boolean;
  [field: string]: unknown;
}

export interface NjParser {
  peekToken(): NjToken | null;
  parseExpression(): NjNode;
  parseAsRoot(): NjNode;
}

export interface NjCompilerInstance {
  compile(node: NjNode, frame?: unknown): void;
  getCode(): string;
  _emit(code: string): void;
  _compileAggregate(node: NjNode, frame: unknown, startChar: string, endChar: string): void;
  _compileExpression(node: NjNode, frame: unknown): void;
}

export type NjCompilerClass = new (templateName: string, throwOnUndefined: boolean) => NjCompilerInstance;
export type NjNodeClass = new (lineno: number, colno: number, ...fields: unknown[]) => NjNode;

interface Internals {
  lexer: { lex(src: string, opts?: object): NjTokenizer; TOKEN_WHITESPACE: string };
  parser: { Parser: new (tokens: NjTokenizer) => NjParser };
  nodes: Record<string, NjNodeClass>;
  compiler: { Compiler: NjCompilerClass };
  transformer: { transform(ast: NjNode, asyncFilters: string[], name?: string): NjNode };
}

const base = nunjucks as unknown as Omit<Internals, 'transformer'>;

/** The nunjucks internals tpx relies on (nunjucks 3.2.x). */
export const nj: Internals = {
  lexer: base.lexer,
  parser: base.parser,
  nodes: base.nodes,
  compiler: base.compiler,
  // Not re-exported by nunjucks' index; it rewrites the AST for async filters and `super`.
  transformer: createRequire(import.meta.url)('nunjucks/src/transformer.js') as Internals['transformer'],
};

/** True when `node` is an instance of the nunjucks node class named `typename` (or a subclass). */
export function isNode(node: unknown, typename: string): boolean {
  const cls = base.nodes[typename];
  return cls !== undefined && node instanceof cls;
}
