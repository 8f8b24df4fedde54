import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import type { InputProblem } from '../errors/input-error.js';
import { MODULE_PARAMS } from '../modules/params/all-params.js';
import { createAjv, type AjvInstance } from './ajv-instance.js';
import { mapAjvErrors } from './ajv-messages.js';
import { hashSchema, loadSchemaObject, type SchemaName } from './schema-source.js';
import type { YamlSource } from './yaml-source.js';

export { SCHEMAS_DIR, loadSchemaObject, type SchemaName } from './schema-source.js';

interface Precompiled {
  validators: Partial<Record<SchemaName, ValidateFunction>>;
  hashes: Partial<Record<SchemaName, string>>;
}

let ajv: AjvInstance | undefined;
let precompiled: Precompiled | null | undefined;
const compiled = new Map<SchemaName, ValidateFunction>();
const MODULE_NAMES = MODULE_PARAMS.map((m) => m.name);

/**
 * The validator of a schema, made once per process on first use: the build's precompiled
 * one when it was made from this very schema, else compiled now with ajv.
 */
export function compileSchema(name: SchemaName): ValidateFunction {
  let validate = compiled.get(name);
  if (!validate) {
    const schema = loadSchemaObject(name);
    const pre = loadPrecompiled();
    const fresh = pre?.validators[name] && pre.hashes[name] === hashSchema(schema);
    validate = fresh ? pre.validators[name]! : (ajv ??= createAjv()).compile(schema);
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

function loadPrecompiled(): Precompiled | null {
  if (precompiled !== undefined) return precompiled;
  try {
    // By a path that also holds from dist/bundle/ (scripts/bundle.mjs), beside this file's dist/schema/.
    precompiled = createRequire(import.meta.url)('../schema/precompiled-validators.cjs') as Precompiled;
  } catch {
    // Not built (tests run from src/): compile at run time.
    precompiled = null;
  }
  return precompiled;
}
