import type { InputProblem } from '../errors/input-error.js';
import { checkGuarded } from './guard-template-check.js';
import { posInScalar } from '../schema/scalar-pos.js';
import type { YamlPath, YamlSource } from '../schema/yaml-source.js';
import { checkExpressionSyntax, checkTemplateSyntax, containsTemplate, type TemplateSyntaxProblem } from '../template/syntax.js';

/** Reports template and expression syntax errors at their place inside the file. */
export class TemplateChecker {
  readonly problems: InputProblem[] = [];
  // Playbooks repeat the same templates and conditions; each distinct text is parsed once.
  private readonly templateCache = new Map<string, TemplateSyntaxProblem | null>();
  private readonly expressionCache = new Map<string, TemplateSyntaxProblem | null>();

  constructor(private readonly source: YamlSource) {}

  /** Every string inside `value` that holds `{{ }}`/`{% %}` must be a well-formed template. */
  checkTemplates(value: unknown, path: YamlPath): void {
    if (typeof value === 'string') {
      if (!containsTemplate(value)) return;
      const problem = cached(this.templateCache, value, (t) => checkGuarded(t, false, checkTemplateSyntax));
      if (problem) this.add(path, problem, `invalid template in ${labelOf(path)}`);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => this.checkTemplates(item, [...path, i]));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) this.checkTemplates(v, [...path, k]);
    }
  }

  /** A condition: a bare expression, a boolean, or a list of them. */
  checkConditions(value: unknown, path: YamlPath): void {
    if (typeof value === 'string') {
      const problem = cached(this.expressionCache, value, (t) => checkGuarded(t, true, checkExpressionSyntax));
      if (problem) this.add(path, problem, `invalid expression in ${labelOf(path)}`);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => this.checkConditions(item, [...path, i]));
    }
  }

  private add(path: YamlPath, problem: { message: string; line: number; col: number }, prefix: string): void {
    const pos = posInScalar(this.source, path, problem.line, problem.col);
    this.problems.push({ ...pos, message: `${prefix}: ${problem.message}`, sourceLine: this.source.lineText(pos.line) });
  }
}

function cached(
  cache: Map<string, TemplateSyntaxProblem | null>,
  text: string,
  check: (t: string) => TemplateSyntaxProblem | null,
): TemplateSyntaxProblem | null {
  let result = cache.get(text);
  if (result === undefined) {
    result = check(text);
    cache.set(text, result);
  }
  return result;
}

/** `"when"` for [.., 'when'] and [.., 'when', 2]. */
function labelOf(path: YamlPath): string {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === 'string') return `"${path[i]}"`;
  return 'value';
}
