import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { createRequire } from 'node:module';
import type { InputProblem } from '../errors/input-error.js';
import { MODULE_PARAMS } from '../modules/params/all-params.js';
import { mapAjvErrors } from './ajv-messages.js';
import { buildPlaybookSchema } from './playbook-schema.js';
import type { YamlSource } from './yaml-source.js';

/** The schemas tpx validates input files against. */
export type SchemaName = 'playbook' | 'inventory';

type AjvInstance = import('ajv').default;

let ajv: AjvInstance | undefined;
const compiled = new Map<SchemaName, ValidateFunction>();
const MODULE_NAMES = MODULE_PARAMS.map((m) => m.name);

/** The directory of the published schemas (`schemas/` at the package root, from src/ or dist/). */
export const SCHEMAS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'schemas');

/** The schema object of a name: the playbook schema is built from its parts; others are read from schemas/. */
export function loadSchemaObject(name: SchemaName): Record<string, unknown> {
  if (name === 'playbook') return buildPlaybookSchema() as Record<string, unknown>;
  return JSON.parse(readFileSync(join(SCHEMAS_DIR, `${name}.schema.json`), 'utf8')) as Record<string, unknown>;
}

/** The compiled validator of a schema; compiled once per process, on first use (ajv is loaded lazily). */
export function compileSchema(name: SchemaName): ValidateFunction {
  let validate = compiled.get(name);
  if (!validate) {
    validate = getAjv().compile(loadSchemaObject(name));
    compiled.set(name, validate);
  }
  return validate;
}

/**
 * Validates a parsed YAML file against a schema. Returns every problem (empty when valid),
 * one per location, each pointing at its node in the file with a message a person can act on.
 */
export function validateWithSchema(source: YamlSource, schemaName: SchemaName): InputProblem[] {
  const validate = compileSchema(schemaName);
  if (validate(source.value)) return [];
  const problems = mapAjvErrors(validate.errors ?? [], source, MODULE_NAMES);
  return problems.sort((a, b) => a.line - b.line || a.col - b.col);
}

function getAjv(): AjvInstance {
  if (ajv) return ajv;
  // ajv is CommonJS; createRequire keeps its load lazy and avoids ESM default-export quirks.
  const Ajv = createRequire(import.meta.url)('ajv').default as typeof import('ajv').default;
  ajv = new Ajv({
    allErrors: true,
    verbose: true,
    allowUnionTypes: true,
    strictTypes: false,
    strictRequired: false,
    inlineRefs: false,
  });
  // Annotations: the error-message phrase, and the Markdown docs the YAML language server shows.
  ajv.addKeyword({ keyword: 'x-expected', schemaType: 'string' });
  ajv.addKeyword({ keyword: 'markdownDescription', schemaType: 'string' });
  return ajv;
}
