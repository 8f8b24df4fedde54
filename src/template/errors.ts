import { TpxError } from '../errors/tpx-error.js';

/** Where a template was rendered, for messages. */
export interface TemplateOrigin {
  readonly host?: string;
  readonly task?: string;
}

function describeOrigin(origin: TemplateOrigin): string {
  return (origin.task !== undefined ? ` in task "${origin.task}"` : '') + (origin.host !== undefined ? ` on host ${origin.host}` : '');
}

/**
 * A template used a variable (or attribute) that is not defined. Ansible's semantics:
 * never rendered as an empty string. Message: `undefined variable "kuma_versoin" in task
 * "detect" on host mesh-01`.
 */
export class UndefinedVariableError extends TpxError {
  readonly variable: string;
  readonly host?: string;
  readonly task?: string;
  /** The template or expression text being rendered. */
  readonly template?: string;

  constructor(fields: { variable: string; detail?: string; template?: string } & TemplateOrigin, options: { cause?: unknown } = {}) {
    const detail = fields.detail ? ` (${fields.detail})` : '';
    super('template-undefined', `undefined variable "${fields.variable}"${detail}${describeOrigin(fields)}`, options);
    this.variable = fields.variable;
    this.host = fields.host;
    this.task = fields.task;
    this.template = fields.template;
  }
}

/** Any other failure while rendering a template or evaluating an expression. */
export class TemplateRenderError extends TpxError {
  readonly host?: string;
  readonly task?: string;
  readonly template?: string;
  /** The failure itself, without host and task. */
  readonly reason: string;

  constructor(fields: { reason: string; template?: string } & TemplateOrigin, options: { cause?: unknown } = {}) {
    const shown = fields.template !== undefined ? ` in ${JSON.stringify(truncate(fields.template))}` : '';
    super('template-render', `template error${shown}: ${fields.reason}${describeOrigin(fields)}`, options);
    this.host = fields.host;
    this.task = fields.task;
    this.template = fields.template;
    this.reason = fields.reason;
  }
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
