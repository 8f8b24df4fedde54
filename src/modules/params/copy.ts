import { boolParam, modeSchema, nameParam, pathSchema, type ModuleParams } from './module-params.js';

/** `copy: { content: "...", dest: /etc/x, mode: "0644" }`. */
export const copyParams: ModuleParams = {
  name: 'copy',
  description: 'Writes a file on the host from `content` or a local `src`; changed only when its sha256, mode or owner differs.',
  example: 'copy:\n  content: "{{ rules }}"\n  dest: /var/lib/tpx/rules.v4\n  mode: "0600"',
  schema: {
    title: 'copy parameters',
    type: 'object',
    properties: {
      content: { description: 'The file content (templated). Use either content or src.' },
      src: pathSchema('Local file to copy, relative to the playbook directory. Use either content or src.'),
      dest: pathSchema('Destination path on the host.'),
      mode: modeSchema,
      owner: nameParam('Owner (user name) of the file.'),
      group: nameParam('Group of the file.'),
      backup: boolParam('Keep a timestamped copy of the previous file when it changes.'),
      force: boolParam('Replace the file when it differs (default true); false: only create it when missing.'),
    },
    additionalProperties: false,
    required: ['dest'],
    anyOf: [{ required: ['content'] }, { required: ['src'] }],
  },
};
