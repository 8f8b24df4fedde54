import { boolParam, modeSchema, nameParam, pathSchema, type ModuleParams } from './module-params.js';

/** `copy: { content: "...", dest: /etc/x, mode: "0644" }`. */
export const copyParams: ModuleParams = {
  name: 'copy',
  description:
    'Writes a file on the host from `content`, a local `src`, or (with `remote_src`) a file already on the host; changed only when its sha256, mode or owner differs.',
  example: 'copy:\n  content: "{{ rules }}"\n  dest: /var/lib/tpx/rules.v4\n  mode: "0600"',
  schema: {
    title: 'copy parameters',
    type: 'object',
    properties: {
      content: { description: 'The file content (templated). Use either content or src.' },
      src: pathSchema('Local file to copy, relative to the playbook directory (with remote_src: a file on the host). Use either content or src.'),
      remote_src: boolParam('src is a file on the host, copied there to dest (default false: a file on the controller).'),
      dest: pathSchema('Destination path on the host.'),
      mode: {
        ...modeSchema,
        description: 'File mode, e.g. "0644", or preserve (the source file\'s mode).',
        pattern: `${modeSchema.pattern as string}|^preserve$`,
      },
      owner: nameParam('Owner (user name) of the file.'),
      group: nameParam('Group of the file.'),
      backup: boolParam('Keep a timestamped copy of the previous file when it changes.'),
      force: boolParam('Replace the file when it differs (default true); false: only create it when missing.'),
      validate: { type: 'string', description: 'A command run on the new file before it replaces the old one; %s is its path.' },
      checksum: { type: 'string', minLength: 1, description: "The source's expected sha1 (40 hex digits): the task fails when the file copied differs." },
    },
    additionalProperties: false,
    required: ['dest'],
    anyOf: [{ required: ['content'] }, { required: ['src'] }],
  },
};
