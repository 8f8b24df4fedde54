import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createAjv } from './ajv-instance.js';
import { hashSchema, hasSchema, loadSchemaObject, SCHEMA_NAMES } from './schema-source.js';

/** Where the build writes the precompiled validators: next to this module (dist/schema/). */
export const PRECOMPILED_FILE = join(dirname(fileURLToPath(import.meta.url)), 'precompiled-validators.cjs');

/**
 * ajv standalone code for every schema, as one CommonJS module exporting `validators`
 * and the `hashes` of the schemas they were made from. Compiling the playbook schema at
 * run time costs 100–300 ms; loading this costs a few. Run by `npm run build`.
 */
export function buildPrecompiledCode(): string {
  const require = createRequire(import.meta.url);
  const standaloneCode = require('ajv/dist/standalone').default as (ajv: unknown, refs: Record<string, string>) => string;
  const ajv = createAjv({ code: { source: true } });
  const refs: Record<string, string> = {};
  const hashes: Record<string, string> = {};
  for (const name of SCHEMA_NAMES) {
    if (!hasSchema(name)) continue;
    const schema = loadSchemaObject(name);
    ajv.addSchema({ ...schema, $id: `tpx:${name}` });
    refs[name] = `tpx:${name}`;
    hashes[name] = hashSchema(schema);
  }
  const code = standaloneCode(ajv, refs);
  // standaloneCode exports each validator on `module.exports`; group them with the hashes.
  return `${code}\nmodule.exports = { validators: { ${Object.keys(refs)
    .map((n) => `${JSON.stringify(n)}: exports[${JSON.stringify(n)}]`)
    .join(', ')} }, hashes: ${JSON.stringify(hashes)} };\n`;
}

/** Writes the precompiled validators next to this module. */
export function writePrecompiledValidators(file: string = PRECOMPILED_FILE): void {
  writeFileSync(file, buildPrecompiledCode());
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writePrecompiledValidators();
  process.stdout.write(`wrote ${PRECOMPILED_FILE}\n`);
}
