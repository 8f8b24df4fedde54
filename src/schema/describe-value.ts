/** Words for schema expectations and for the values users wrote, used in error messages. */

type Schema = Readonly<Record<string, unknown>>;

/** What a value looks like to a person: `"three"`, `150`, `a mapping`, `a list`, `nothing`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  return String(value);
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  null: 'empty',
};

/** What a schema expects, for messages: its `x-expected`, or words built from type, range and enum. */
export function describeExpected(schema: Schema | undefined): string {
  if (!schema) return 'a valid value';
  const explicit = schema['x-expected'];
  if (typeof explicit === 'string') return explicit;
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  if ('const' in schema) return JSON.stringify(schema.const);
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : typeof schema.type === 'string' ? [schema.type] : [];
  if (types.length === 0) return 'a valid value';
  const words = types.map((t) => TYPE_WORDS[t] ?? t);
  let out = words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
  const range = describeRange(schema);
  if (range && types.some((t) => t === 'integer' || t === 'number')) out += ` ${range}`;
  if (types.includes('string') && typeof schema.minLength === 'number' && schema.minLength > 0 && types.length === 1) {
    out = 'a non-empty string';
  }
  return out;
}

function describeRange(schema: Schema): string | undefined {
  const min = schema.minimum as number | undefined;
  const max = schema.maximum as number | undefined;
  const xmin = schema.exclusiveMinimum as number | undefined;
  if (min !== undefined && max !== undefined) return `between ${min} and ${max}`;
  if (min !== undefined) return `>= ${min}`;
  if (xmin !== undefined) return `> ${xmin}`;
  if (max !== undefined) return `<= ${max}`;
  return undefined;
}
