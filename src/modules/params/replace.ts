import { boolParam, modeSchema, nameParam, pathSchema, type ModuleParams } from './module-params.js';

const text = (description: string) => ({ type: ['string', 'number', 'boolean'], description });

/** `replace: { path: /etc/hosts, regexp: '(\s+)old\.host(\s+.*)?$', replace: '\1new.host\2' }`. */
export const replaceParams: ModuleParams = {
  name: 'replace',
  description: "Replaces every match of a Python regular expression in a file (between after and before), as Ansible's replace, run by the host's python3.",
  example: "replace:\n  path: /etc/hosts\n  regexp: '(\\s+)old\\.example\\.com(\\s+.*)?$'\n  replace: '\\1new.example.com\\2'",
  schema: {
    title: 'replace parameters',
    type: 'object',
    properties: {
      path: pathSchema('The file on the host (also accepted as dest, destfile or name); a link is followed, as in Ansible.'),
      dest: pathSchema('Same as path.'),
      destfile: pathSchema('Same as path.'),
      name: pathSchema('Same as path.'),
      regexp: text('A Python regular expression (MULTILINE): every match is replaced.'),
      replace: text('What each match becomes (default empty); may use \\1, \\g<name>.'),
      after: text('Replace only after the first match of this Python regexp (DOTALL).'),
      before: text('Replace only before the first match of this Python regexp (DOTALL).'),
      encoding: { type: 'string', minLength: 1, description: "The file's encoding (default utf-8)." },
      backup: boolParam('Keep a timestamped copy of the old file when it changes.'),
      validate: { type: 'string', description: 'A command run on the new file before it replaces the old one; %s is its path.' },
      mode: modeSchema,
      owner: nameParam('Owner (user name) of the file.'),
      group: nameParam('Group of the file.'),
      unsafe_writes: boolParam('Accepted for Ansible compatibility; tpx always writes atomically.'),
    },
    additionalProperties: false,
    required: ['regexp'],
    anyOf: [{ required: ['path'] }, { required: ['dest'] }, { required: ['destfile'] }, { required: ['name'] }],
  },
};
