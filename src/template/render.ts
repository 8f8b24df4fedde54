/**
 * Rendering templates and evaluating expressions with Ansible's semantics.
 *
 * - A string that is exactly one `{{ expr }}` yields the expression's native value (a
 *   number, list, dict, bool), like Jinja2's native mode; any other string with template
 *   syntax yields text. In text, None renders as "", booleans as True/False, lists and
 *   dicts as Python literals (`['a', 1]`), as Ansible prints them.
 * - An undefined variable is an error naming it (UndefinedVariableError), except where
 *   Ansible tolerates it: `is defined`/`is undefined`, the `default` filter, a further
 *   attribute of it under those (`x.y is defined`), and the right side of a short-circuit
 *   (`x is defined and x.y`).
 * - Each distinct text is compiled once (environment.ts).
 */
import { UndefinedVariableError, TemplateRenderError } from './errors.js';
import { compileAst, getCachedTemplate, type CompiledTemplate } from './environment.js';
import { nj, type NjNode } from './nunjucks-internals.js';
import { parseExpressionAst, parseTemplateAst } from './parser.js';
import { isTruthy, pyStr } from './python-values.js';
import { VARS_KEY } from './runtime.js';
import { containsTemplate, findUnknownName } from './syntax.js';
import { describeParseError } from './syntax-problem.js';
import { UndefinedAccess } from './undefined.js';

/** What a template sees: the variables, and where it runs (for messages). */
export interface TemplateContext {
  readonly vars: Readonly<Record<string, unknown>>;
  readonly host?: string;
  readonly task?: string;
}

/** Renders a value deeply: strings with template syntax are rendered, lists and dicts walked. */
export function renderValue(value: unknown, ctx: TemplateContext): unknown {
  if (typeof value === 'string') return containsTemplate(value) ? renderTemplateValue(value, ctx) : value;
  if (Array.isArray(value)) return value.map((item) => renderValue(item, ctx));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[containsTemplate(key) ? renderString(key, ctx) : key] = renderValue(item, ctx);
    }
    return out;
  }
  return value;
}

/** Renders a template string to text. */
export function renderString(text: string, ctx: TemplateContext): string {
  if (!containsTemplate(text)) return text;
  const template = getCachedTemplate(text, false, () => compileAst(parseForRender(text, ctx), false));
  return runTemplate(template, text, ctx) as string;
}

/** Evaluates a bare expression (`result.rc == 0`) to its native value. */
export function evaluateExpression(expr: string, ctx: TemplateContext): unknown {
  const template = getCachedTemplate(`\u0000expr\u0000${expr}`, true, () => compileAst(wrapExpression(parseExpressionForRender(expr, ctx)), true));
  return runTemplate(template, expr, ctx);
}

/**
 * True when every condition holds (`when`, `until`, `changed_when`, `failed_when` lists).
 * A boolean passes through; an expression counts by Python truthiness, except that a
 * string result spelled like a boolean ("false", "no", "off", "0") counts as that
 * boolean, as Ansible treats `-e flag=false`.
 */
export function evaluateConditions(exprs: readonly (string | boolean)[], ctx: TemplateContext): boolean {
  for (const expr of exprs) {
    if (typeof expr === 'boolean') {
      if (!expr) return false;
      continue;
    }
    if (!conditionHolds(evaluateExpression(expr, ctx))) return false;
  }
  return true;
}

const FALSE_WORDS = new Set(['false', 'no', 'off', '0', 'n', 'f']);
const TRUE_WORDS = new Set(['true', 'yes', 'on', '1', 'y', 't']);

function conditionHolds(value: unknown): boolean {
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (FALSE_WORDS.has(word)) return false;
    if (TRUE_WORDS.has(word)) return true;
  }
  return isTruthy(value);
}

/**
 * A template that is one `{{ expr }}` and a single trailing newline, as Ansible renders it
 * (checked with ansible-playbook): a bare variable holding a number or a boolean is that value
 * (Ansible's single-variable shortcut, whose `$` also matches before the newline); otherwise
 * Jinja2 drops the newline, the value becomes text — a list, a dict or True/False read back as
 * such — and a text result gets its newline back. So `"{{ port }}\n"` is 8080, but
 * `"{{ item.value }}\n"` is "1001\n". Undefined for other templates.
 */
function renderBeforeNewline(body: string, ctx: TemplateContext): { value: unknown } | undefined {
  const single = getCachedTemplate(`\0trailing-newline:${body}`, true, () => {
    const ast = parseForRender(body, ctx);
    return isSingleExpression(ast) ? compileAst(ast, true) : NOT_SINGLE;
  });
  if (single === NOT_SINGLE) return undefined;
  const value = runTemplate(single, body, ctx);
  if (typeof value === 'number' || typeof value === 'boolean') {
    return { value: BARE_VARIABLE.test(body) || typeof value === 'boolean' ? value : `${pyStr(value)}\n` };
  }
  if (value !== null && typeof value === 'object') return { value };
  const textValue = typeof value === 'string' ? value : pyStr(value);
  return { value: textValue.endsWith('\n') ? textValue : `${textValue}\n` };
}

/** Ansible's single-variable template: `{{ name }}` and nothing else. */
const BARE_VARIABLE = /^\{\{\s*\w*\s*\}\}$/;

/** Cached for a template that is not one expression before its trailing newline. */
const NOT_SINGLE: CompiledTemplate = { render: () => undefined };

function renderTemplateValue(text: string, ctx: TemplateContext): unknown {
  if (text.endsWith('\n') && !text.endsWith('\n\n')) {
    const single = renderBeforeNewline(text.slice(0, -1), ctx);
    if (single) return single.value;
  }
  const template = getCachedTemplate(text, true, () => {
    const ast = parseForRender(text, ctx);
    return compileAst(ast, isSingleExpression(ast));
  });
  return runTemplate(template, text, ctx);
}

/** True when the whole template is one `{{ expr }}` with no text around it. */
function isSingleExpression(ast: NjNode): boolean {
  const nodes = ast.children ?? [];
  if (nodes.length !== 1 || nodes[0].typename !== 'Output') return false;
  const outputs = nodes[0].children ?? [];
  return outputs.length === 1 && outputs[0].typename !== 'TemplateData';
}

function wrapExpression(node: NjNode): NjNode {
  return new nj.nodes.Root(0, 0, [new nj.nodes.Output(node.lineno, node.colno, [node])]);
}

function parseForRender(text: string, ctx: TemplateContext): NjNode {
  return checkParsed(text, ctx, () => parseTemplateAst(text), false);
}

function parseExpressionForRender(expr: string, ctx: TemplateContext): NjNode {
  return checkParsed(expr, ctx, () => parseExpressionAst(expr), true);
}

/** Runs `parse` on a template; a syntax error or an unknown filter or test becomes a TemplateRenderError naming host and task. */
export function checkParsed(text: string, ctx: TemplateContext, parse: () => NjNode, inCode: boolean): NjNode {
  let ast: NjNode;
  try {
    ast = parse();
  } catch (error) {
    const problem = describeParseError(error, text, inCode);
    throw new TemplateRenderError({
      reason: `${problem.message} (line ${problem.line}, column ${problem.col})`,
      template: text,
      host: ctx.host,
      task: ctx.task,
    });
  }
  const unknown = findUnknownName(ast);
  if (unknown) throw new TemplateRenderError({ reason: unknown.message, template: text, host: ctx.host, task: ctx.task });
  return ast;
}

/** Renders a compiled template with the context's variables; errors name host, task and variable. */
export function runTemplate(template: CompiledTemplate, text: string, ctx: TemplateContext): unknown {
  try {
    return template.render({ [VARS_KEY]: ctx.vars });
  } catch (error) {
    throw translateRenderError(error, text, ctx);
  }
}

/** Finds the error a template threw inside nunjucks' wrappers and names host and task. */
function translateRenderError(error: unknown, text: string, ctx: TemplateContext): Error {
  let inner: unknown = error;
  while (inner instanceof Error && inner.cause !== undefined && !(inner instanceof UndefinedAccess)) inner = inner.cause;
  const origin = { host: ctx.host, task: ctx.task, template: text };
  if (inner instanceof UndefinedAccess) {
    return new UndefinedVariableError({ variable: inner.variable, detail: inner.detail, ...origin }, { cause: error });
  }
  const reason =
    inner instanceof Error ? inner.message.replace(/^\(template\)\s*(\[Line \d+, Column \d+\])?\s*/, '').replace(/^\w*Error: /, '') : String(inner);
  return new TemplateRenderError({ reason, ...origin }, { cause: error });
}
