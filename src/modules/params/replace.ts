import { backupParam, editedFileProperties, editedPathProperties, editedPathRequired, textParam } from './file-edit-common.js';
import type { ModuleParams } from './module-params.js';

/** `replace: { path: /etc/hosts, regexp: '(\s+)old\.host(\s+.*)?$', replace: '\1new.host\2' }`. */
export const replaceParams: ModuleParams = {
  name: 'replace',
  description: "Replaces every match of a Python regular expression in a file (between after and before), as Ansible's replace, run by the host's python3.",
  example: "replace:\n  path: /etc/hosts\n  regexp: '(\\s+)old\\.example\\.com(\\s+.*)?$'\n  replace: '\\1new.example.com\\2'",
  schema: {
    title: 'replace parameters',
    type: 'object',
    properties: {
      ...editedPathProperties('The file on the host (also accepted as dest, destfile or name); a link is followed, as in Ansible.'),
      regexp: textParam('A Python regular expression (MULTILINE): every match is replaced.'),
      replace: textParam('What each match becomes (default empty); may use \\1, \\g<name>.'),
      after: textParam('Replace only after the first match of this Python regexp (DOTALL).'),
      before: textParam('Replace only before the first match of this Python regexp (DOTALL).'),
      encoding: { type: 'string', minLength: 1, description: "The file's encoding (default utf-8)." },
      backup: backupParam,
      ...editedFileProperties,
    },
    additionalProperties: false,
    required: ['regexp'],
    anyOf: editedPathRequired,
  },
};
