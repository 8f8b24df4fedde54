/**
 * A wrong value met while evaluating a template (a type mismatch, bad JSON for
 * `from_json`, a bad filter argument). Internal: render.ts turns it into a
 * TemplateRenderError that names the host and task.
 */
export class TemplateValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateValueError';
  }
}
