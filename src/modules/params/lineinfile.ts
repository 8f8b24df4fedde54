import { backupParam, editedFileProperties, editedPathProperties, editedPathRequired, textParam } from './file-edit-common.js';
import { boolParam, type ModuleParams } from './module-params.js';

/** `lineinfile: { path: /etc/ssh/sshd_config, regexp: '^#?PermitRootLogin', line: PermitRootLogin no }`. */
export const lineinfileParams: ModuleParams = {
  name: 'lineinfile',
  description: "Makes sure one line is in a text file (replacing the line a regexp finds) or that no line matching is, as Ansible's lineinfile.",
  example: "lineinfile:\n  path: /etc/ssh/sshd_config\n  regexp: '^#?PermitRootLogin'\n  line: PermitRootLogin no",
  schema: {
    title: 'lineinfile parameters',
    type: 'object',
    properties: {
      ...editedPathProperties('The file on the host (also accepted as dest, destfile or name).'),
      state: { enum: ['present', 'absent'], description: 'present (default): the line is there; absent: no matching line is.' },
      regexp: textParam('A Python regular expression looked for in every line; the last match is replaced (the first with firstmatch).'),
      regex: textParam('Same as regexp.'),
      search_string: textParam('A literal string looked for in every line, instead of regexp.'),
      line: textParam('The line to put in (required with state: present); with backrefs, may use \\1, \\g<name>.'),
      value: textParam('Same as line.'),
      insertafter: textParam('EOF (default), BOF, or a regexp: insert after the last line it matches when regexp finds nothing.'),
      insertbefore: textParam('BOF or a regexp: insert before the last line it matches when regexp finds nothing.'),
      backrefs: boolParam('Expand regexp groups in line; when regexp matches nothing, the file is left alone.'),
      create: boolParam('Create the file when it is missing (default false: fail).'),
      backup: backupParam,
      firstmatch: boolParam('Use the first line insertafter/insertbefore (or regexp) matches, not the last.'),
      ...editedFileProperties,
    },
    additionalProperties: false,
    anyOf: editedPathRequired,
  },
};
