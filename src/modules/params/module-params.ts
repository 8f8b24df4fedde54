/** A JSON Schema (draft-07) as a plain object. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/**
 * The parameter schema of one module: the single source for load-time validation, the
 * published schemas/playbook.schema.json (editor completion) and the module reference.
 */
export interface ModuleParams {
  readonly name: string;
  /** One line for completion lists. */
  readonly description: string;
  /** A YAML example, shown in the editor's hover. */
  readonly example: string;
  /** Has a free-form string form (`command: ls -l`), kept as `{ _raw_params }` as Ansible does. */
  readonly freeForm?: boolean;
  readonly schema: JsonSchema;
}

/** A string that holds a `{{ … }}` template. */
export const TEMPLATE_PATTERN = '\\{\\{[\\s\\S]*\\}\\}';

/** File mode: an octal string ("0644", "644"), a template, or an integer (write 0644 unquoted, read as octal). */
export const modeSchema: JsonSchema = {
  type: ['string', 'integer'],
  pattern: `^(?:0?[0-7]{3}|[0-7]{4}|.*${TEMPLATE_PATTERN}.*)$`,
  minimum: 0,
  maximum: 0o7777,
  'x-expected': 'an octal mode like "0644"',
  description: 'File mode, e.g. "0644" (quote it) or 0644 (a leading zero is read as octal).',
};

/** A string, or a list of strings (e.g. a command line as argv). */
export const stringOrList: JsonSchema = {
  type: ['string', 'array'],
  items: { type: 'string' },
  'x-expected': 'a string or a list of strings',
};

export const pathSchema = (description: string): JsonSchema => ({ type: 'string', minLength: 1, description });

/** A boolean parameter; a template that renders to one is accepted too. */
export const boolParam = (description: string): JsonSchema => ({
  type: ['boolean', 'string'],
  pattern: TEMPLATE_PATTERN,
  'x-expected': 'true or false (or a "{{ … }}" template)',
  description,
});

/** A user or group name (a numeric id is accepted as in Ansible). */
export const nameParam = (description: string): JsonSchema => ({
  type: ['string', 'integer'],
  minLength: 1,
  'x-expected': 'a name',
  description,
});
