import { modeSchema, pathSchema, type ModuleParams } from './module-params.js';

/** `copy: { content: "...", dest: /etc/x, mode: "0644" }`. */
export const copyParams: ModuleParams = {
  name: 'copy',
  description: 'Write a file on the host from inline content or a local file; changed only when the sha256 differs.',
  example: 'copy:\n  content: "{{ rules }}"\n  dest: /var/lib/tpx/rules.v4\n  mode: "0600"',
  schema: {
    title: 'copy parameters',
    type: 'object',
    properties: {
      content: { type: 'string', description: 'The file content (templated). Use either content or src.' },
      src: pathSchema('Local file to copy, relative to the playbook directory. Use either content or src.'),
      dest: pathSchema('Destination path on the host.'),
      mode: modeSchema,
      owner: { type: 'string', minLength: 1, description: 'Owner (user name) of the file.' },
      group: { type: 'string', minLength: 1, description: 'Group of the file.' },
      backup: { type: 'boolean', description: 'Keep a timestamped copy of the previous file when it changes.' },
    },
    additionalProperties: false,
    required: ['dest'],
    anyOf: [{ required: ['content'] }, { required: ['src'] }],
  },
};
