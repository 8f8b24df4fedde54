import { createRequire } from 'node:module';

type AjvClass = typeof import('ajv').default;
export type AjvInstance = InstanceType<AjvClass>;

const require = createRequire(import.meta.url);

/**
 * A new ajv configured for tpx's schemas: all errors (every problem of a file at once),
 * verbose (errors carry their schema and data, for the messages), union types, and the
 * two annotation keywords the schemas carry (`x-expected`, `markdownDescription`).
 */
export function createAjv(extra: Readonly<Record<string, unknown>> = {}): AjvInstance {
  // ajv is CommonJS; require keeps the load lazy and avoids ESM default-export quirks.
  const Ajv = require('ajv').default as AjvClass;
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    allowUnionTypes: true,
    strictTypes: false,
    strictRequired: false,
    inlineRefs: false,
    ...extra,
  });
  ajv.addKeyword({ keyword: 'x-expected', schemaType: 'string' });
  ajv.addKeyword({ keyword: 'markdownDescription', schemaType: 'string' });
  return ajv;
}
