import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODULE_PARAMS } from '../../src/modules/params/all-params.js';
import { buildPlaybookSchema } from '../../src/schema/playbook-schema.js';
import { compileSchema, SCHEMAS_DIR } from '../../src/schema/validate.js';

const published = join(SCHEMAS_DIR, 'playbook.schema.json');

/** The published file is the built schema written out; `TPX_WRITE_SCHEMAS=1 npx vitest run test/schema/published-schema.test.ts` rewrites it. */
describe('schemas/playbook.schema.json', () => {
  const built = JSON.stringify(buildPlaybookSchema(), null, 2) + '\n';
  if (process.env.TPX_WRITE_SCHEMAS === '1') writeFileSync(published, built);

  it('is up to date with src/schema/playbook-schema.ts and src/modules/params', () => {
    expect(readFileSync(published, 'utf8')).toBe(built);
  });

  it('compiles with ajv and documents every module, also under ansible.builtin. and ansible.legacy.', () => {
    expect(typeof compileSchema('playbook')).toBe('function');
    const schema = JSON.parse(built) as { definitions: Record<string, { properties?: Record<string, unknown>; markdownDescription?: string }> };
    for (const m of MODULE_PARAMS) {
      expect(schema.definitions.task.properties).toHaveProperty([m.name]);
      expect(schema.definitions.task.properties).toHaveProperty([`ansible.builtin.${m.name}`]);
      expect(schema.definitions.task.properties).toHaveProperty([`ansible.legacy.${m.name}`]);
      expect(schema.definitions[`module_${m.name}`].markdownDescription).toContain('```yaml');
    }
  });

  it('has a description for every play and task keyword (editor hover)', () => {
    const schema = JSON.parse(built) as { definitions: Record<string, { properties: Record<string, { description?: string; $ref?: string }> }> };
    for (const def of ['play', 'task', 'block', 'handler']) {
      for (const [key, prop] of Object.entries(schema.definitions[def].properties)) {
        expect(prop.description ?? prop.$ref, `${def}.${key}`).toBeTruthy();
      }
    }
  });
});
