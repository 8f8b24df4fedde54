import type { ModuleParams } from './module-params.js';

/** `set_fact: { target: "{{ kuma_version }}" }`. */
export const setFactParams: ModuleParams = {
  freeForm: true,
  name: 'set_fact',
  description: 'Sets variables on the host for the tasks that follow (above play vars, below -e).',
  example: 'set_fact:\n  needs_flush: "{{ legacy_rules.stdout | int > 0 }}"',
  schema: {
    title: 'set_fact parameters',
    type: ['object', 'string'],
    minProperties: 1,
    minLength: 1,
    'x-expected': 'a mapping of variable names to values (or a free-form "name=value ..." line)',
    propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
    properties: { cacheable: { type: 'boolean', description: 'Accepted for Ansible compatibility and ignored.' } },
  },
};
