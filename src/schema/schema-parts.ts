import { TEMPLATE_PATTERN, type JsonSchema } from '../modules/params/module-params.js';

/** Small builders for the playbook schema; each sets `x-expected`, the phrase used in error messages. */

export const IDENTIFIER = '^[A-Za-z_][A-Za-z0-9_]*$';

/** A keyword documented for editors: `description` plus the same text as Markdown. */
export function doc(description: string, schema: JsonSchema, markdown?: string): JsonSchema {
  return { ...schema, description, markdownDescription: markdown ?? description };
}

export const bool = (description: string): JsonSchema => doc(description, { type: 'boolean' });

export const str = (description: string): JsonSchema => doc(description, { type: 'string' });

/** An integer in a range, or a `{{ template }}` rendered at run time. */
/** A boolean, or a `{{ … }}` template the engine renders per host. */
export function boolOrTemplate(description: string): JsonSchema {
  return doc(description, { type: ['boolean', 'string'], pattern: TEMPLATE_PATTERN, 'x-expected': 'true, false or a "{{ … }}" template' });
}

export function intOrTemplate(description: string, minimum: number, maximum?: number): JsonSchema {
  const range = maximum === undefined ? `>= ${minimum}` : `between ${minimum} and ${maximum}`;
  return doc(description, {
    type: ['integer', 'string'],
    minimum,
    ...(maximum === undefined ? {} : { maximum }),
    pattern: TEMPLATE_PATTERN,
    'x-expected': `an integer ${range} (or a "{{ … }}" template)`,
  });
}

/** A number in a range, or a template. */
export function numberOrTemplate(description: string, minimum: number, exclusive = false): JsonSchema {
  return doc(description, {
    type: ['number', 'string'],
    ...(exclusive ? { exclusiveMinimum: minimum } : { minimum }),
    pattern: TEMPLATE_PATTERN,
    'x-expected': `a number ${exclusive ? '>' : '>='} ${minimum} (or a "{{ … }}" template)`,
  });
}

/** A string or a list of strings (one item is the same as a list of one). */
export function stringOrList(description: string, itemPattern?: string): JsonSchema {
  const item = itemPattern ? { type: 'string', pattern: itemPattern } : { type: 'string' };
  return doc(description, {
    type: ['string', 'array'],
    ...(itemPattern ? { pattern: itemPattern } : {}),
    items: item,
    'x-expected': 'a string or a list of strings',
  });
}

/** A bare expression (no `{{ }}`), a boolean, or a list of them (all must hold). */
export function conditions(description: string): JsonSchema {
  return doc(description, {
    type: ['string', 'boolean', 'array'],
    items: { type: ['string', 'boolean'], 'x-expected': 'an expression' },
    'x-expected': 'an expression or a list of expressions',
  });
}

/** Variables: a mapping whose keys are identifiers. */
export function varsSchema(description: string): JsonSchema {
  return doc(description, {
    type: 'object',
    propertyNames: { pattern: IDENTIFIER },
    'x-expected': 'a mapping of variable names to values',
  });
}

/** Tags: a string (comma-separated) or a list of strings and numbers. */
export const tagsSchema: JsonSchema = doc('Tags for `tpx run -t/--skip-tags`: a string (comma-separated) or a list.', {
  type: ['string', 'array'],
  items: { type: ['string', 'number'] },
  'x-expected': 'a tag or a list of tags',
});
