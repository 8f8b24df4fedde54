/**
 * Rendering a whole template file as Ansible's `template` module does (Templar.do_template
 * with preserve_trailing_newlines, in an environment with the task's trim_blocks,
 * lstrip_blocks, delimiters and newline_sequence):
 *
 * - line ends in the file (`\r\n`, `\r`, `\n`) are read as one newline, and the text's
 *   newlines (template data and string literals) are written as `newline_sequence`, as
 *   Jinja2's lexer does; values inserted by `{{ }}` keep theirs;
 * - Jinja2 drops the file's last newline; Ansible then adds newlines until the output ends
 *   with as many `\n` as the file did.
 */
import { compileAst, getCachedTemplate } from './environment.js';
import type { TemplateSyntaxOptions } from './lexer.js';
import type { NjNode } from './nunjucks-internals.js';
import { parseTemplateAst } from './parser.js';
import { checkParsed, runTemplate, type TemplateContext } from './render.js';

export interface TemplateFileOptions extends TemplateSyntaxOptions {
  /** How the template's own newlines are written (Ansible's newline_sequence, default "\n"). */
  readonly newlineSequence?: '\n' | '\r\n' | '\r';
}

/** Renders the text of a template file to the text Ansible's template module would write. */
export function renderTemplateFile(source: string, ctx: TemplateContext, options: TemplateFileOptions = {}): string {
  const { newlineSequence = '\n', ...syntax } = options;
  const lines = source.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  const text = lines.join('\n');
  const key = `\0template-file\0${JSON.stringify([newlineSequence, syntax])}\0${text}`;
  const template = getCachedTemplate(key, false, () => {
    const ast = checkParsed(text, ctx, () => parseTemplateAst(text, syntax), false);
    if (newlineSequence !== '\n') writeNewlinesAs(ast, newlineSequence, new Set());
    return compileAst(ast, false);
  });
  let out = String(runTemplate(template, text, ctx) ?? '');
  const missing = trailingNewlines(source) - trailingNewlines(out);
  if (missing > 0) out += newlineSequence.repeat(missing);
  return out;
}

function trailingNewlines(text: string): number {
  let n = 0;
  while (n < text.length && text[text.length - 1 - n] === '\n') n++;
  return n;
}

/** The template's text (data and string literals) with its newlines written as `sequence`. */
function writeNewlinesAs(node: NjNode, sequence: string, seen: Set<NjNode>): void {
  if (seen.has(node)) return;
  seen.add(node);
  const mutable = node as { value?: unknown };
  if ((node.typename === 'TemplateData' || node.typename === 'Literal') && typeof mutable.value === 'string') {
    mutable.value = mutable.value.replace(/\n/g, sequence);
  }
  for (const field of node.fields ?? []) {
    const child = (node as unknown as Record<string, unknown>)[field];
    for (const c of Array.isArray(child) ? child : [child]) {
      if (c !== null && typeof c === 'object' && 'typename' in c) writeNewlinesAs(c as NjNode, sequence, seen);
    }
  }
}
