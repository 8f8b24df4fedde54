import { boolParam, modeSchema, nameParam, pathSchema, type ModuleParams } from './module-params.js';

const delimiter = (description: string) => ({ type: 'string', minLength: 1, description });

/** `template: { src: nginx.conf.j2, dest: /etc/nginx/nginx.conf, mode: "0644" }`. */
export const templateParams: ModuleParams = {
  name: 'template',
  description: "Renders a Jinja2 template file on the controller with the task's variables and writes the result on the host, as Ansible's template.",
  example: 'template:\n  src: nginx.conf.j2\n  dest: /etc/nginx/nginx.conf\n  mode: "0644"\n  validate: nginx -t -c %s',
  schema: {
    title: 'template parameters',
    type: 'object',
    properties: {
      src: pathSchema("The template on the controller: absolute, or found in a role's templates/, the playbook's directory or its templates/."),
      dest: pathSchema('Destination path on the host (a directory: the template file name inside it).'),
      mode: {
        ...modeSchema,
        description: 'File mode, e.g. "0644", or preserve (the template file\'s mode).',
        pattern: `${modeSchema.pattern as string}|^preserve$`,
      },
      owner: nameParam('Owner (user name) of the file.'),
      group: nameParam('Group of the file.'),
      backup: boolParam('Keep a timestamped copy of the previous file when it changes.'),
      force: boolParam('Replace the file when it differs (default true); false: only create it when missing.'),
      validate: { type: 'string', description: 'A command run on the new file before it replaces the old one; %s is its path.' },
      newline_sequence: {
        enum: ['\n', '\r', '\r\n', '\\n', '\\r', '\\r\\n'],
        description: 'How the template\'s newlines are written: "\\n" (default), "\\r\\n" or "\\r".',
      },
      trim_blocks: boolParam('Drop the first newline after a block tag (default true, as in Ansible).'),
      lstrip_blocks: boolParam('Drop spaces and tabs before a block tag at the start of a line (default false).'),
      block_start_string: delimiter('The string that opens a block (default {%).'),
      block_end_string: delimiter('The string that closes a block (default %}).'),
      variable_start_string: delimiter('The string that opens a print statement (default {{).'),
      variable_end_string: delimiter('The string that closes a print statement (default }}).'),
      comment_start_string: delimiter('The string that opens a comment (default {#).'),
      comment_end_string: delimiter('The string that closes a comment (default #}).'),
      output_encoding: { enum: ['utf-8', 'utf8', 'UTF-8', 'UTF8'], description: 'Accepted for Ansible compatibility; tpx writes UTF-8.' },
      follow: boolParam('Accepted for Ansible compatibility when false (the default); following a link at dest is not supported yet.'),
      unsafe_writes: boolParam('Accepted for Ansible compatibility; tpx always writes atomically.'),
    },
    additionalProperties: false,
    required: ['src', 'dest'],
  },
};
