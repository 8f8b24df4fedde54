import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPlaybookSchema } from './playbook-schema.js';

/** The schemas tpx validates input files against. */
export type SchemaName = 'playbook' | 'inventory';
export const SCHEMA_NAMES: readonly SchemaName[] = ['playbook', 'inventory'];

/** The directory of the published schemas (`schemas/` at the package root, from src/ or dist/). */
export const SCHEMAS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'schemas');

/** The schema object of a name: the playbook schema is built from its parts; others are read from schemas/. */
export function loadSchemaObject(name: SchemaName): Record<string, unknown> {
  if (name === 'playbook') return buildPlaybookSchema() as Record<string, unknown>;
  return JSON.parse(readFileSync(schemaFile(name), 'utf8')) as Record<string, unknown>;
}

export function schemaFile(name: SchemaName): string {
  return join(SCHEMAS_DIR, `${name}.schema.json`);
}

/** Whether a schema can be loaded (the playbook's always; others when their file exists). */
export function hasSchema(name: SchemaName): boolean {
  return name === 'playbook' || existsSync(schemaFile(name));
}

/** A fingerprint of a schema object: a precompiled validator is used only for the schema it was made from. */
export function hashSchema(schema: unknown): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex');
}
