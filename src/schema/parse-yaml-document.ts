import { Composer, Lexer, Parser, YAMLParseError, type CST, type Document, type DocumentOptions, type ParseOptions, type SchemaOptions } from 'yaml';

/** Lists and mappings nested deeper than this are refused before they are composed (a playbook needs a handful). */
export const MAX_YAML_DEPTH = 200;

export type YamlDocumentOptions = ParseOptions & DocumentOptions & SchemaOptions;

/** The parsed document (and how many of its errors were dropped, see MAX_COMPOSER_ERRORS), or where it nests too deep. */
export type ParsedYaml = { readonly doc: Document; readonly droppedErrors: number } | { readonly tooDeepAt: number };

/**
 * `yaml`'s parseDocument, in its two steps, watching the depth between them: the parser keeps
 * its open collections on a stack, but it and the composer recurse once per level when they
 * close them, and thousands of levels (`[[[[…`, `- - - …`, `a: b: c: …`) exhaust the call stack.
 * Parsing stops as soon as the stack passes MAX_YAML_DEPTH. The first document is kept; a
 * second is an error. (Positions: see countLines, not the parser's line counting.)
 */
export function parseYamlDocument(text: string, options: YamlDocumentOptions): ParsedYaml {
  // Each YAML error is an Error, and a garbage file makes one per character: capturing their
  // stack traces (never shown) would cost seconds.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    const parser = new Parser();
    const tokens: CST.Token[] = [];
    for (const lexeme of new Lexer().lex(text)) {
      for (const token of parser.next(lexeme)) tokens.push(token);
      if (parser.stack.length > MAX_YAML_DEPTH) return { tooDeepAt: Math.min(parser.offset, text.length) };
    }
    for (const token of parser.end()) tokens.push(token);
    let doc: Document | undefined;
    const composer = new Composer(options);
    const counter = limitErrors(composer);
    for (const next of composer.compose(tokens, true, text.length)) {
      if (!doc) {
        doc = next;
        continue;
      }
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents'));
      break;
    }
    return { doc: doc!, droppedErrors: Math.max(0, counter.count - MAX_COMPOSER_ERRORS) };
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/** Errors a composer records at most; garbage (a megabyte of `"`) makes one per character, each an Error object. */
export const MAX_COMPOSER_ERRORS = 2000;

/**
 * Makes the composer drop errors past MAX_COMPOSER_ERRORS. It keeps its error callback in a
 * field (not public API): if a later `yaml` renames it, this does nothing and all errors are kept.
 */
function limitErrors(composer: Composer): { count: number } {
  const counter = { count: 0 };
  const holder = composer as unknown as { onError?: unknown };
  const onError = holder.onError;
  if (typeof onError !== 'function') return counter;
  holder.onError = (...args: unknown[]): void => {
    if (++counter.count <= MAX_COMPOSER_ERRORS) onError(...args);
  };
  return counter;
}
