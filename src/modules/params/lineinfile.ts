import { boolParam, modeSchema, nameParam, pathSchema, type ModuleParams } from './module-params.js';

const text = (description: string) => ({ type: ['string', 'number', 'boolean'], description });

/** `lineinfile: { path: /etc/ssh/sshd_config, regexp: '^#?PermitRootLogin', line: PermitRootLogin no }`. */
export const lineinfileParams: ModuleParams = {
  name: 'lineinfile',
  description: "Makes sure one line is in a text file (replacing the line a regexp finds) or that no line matching is, as Ansible's lineinfile.",
  example: "lineinfile:\n  path: /etc/ssh/sshd_config\n  regexp: '^#?PermitRootLogin'\n  line: PermitRootLogin no",
  schema: {
    title: 'lineinfile parameters',
    type: 'object',
    properties: {
      path: pathSchema('The file on the host (also accepted as dest, destfile or name).'),
      dest: pathSchema('Same as path.'),
      destfile: pathSchema('Same as path.'),
      name: pathSchema('Same as path.'),
      state: { enum: ['present', 'absent'], description: 'present (default): the line is there; absent: no matching line is.' },
      regexp: text('A Python regular expression looked for in every line; the last match is replaced (the first with firstmatch).'),
      regex: text('Same as regexp.'),
      search_string: text('A literal string looked for in every line, instead of regexp.'),
      line: text('The line to put in (required with state: present); with backrefs, may use \\1, \\g<name>.'),
      value: text('Same as line.'),
      insertafter: text('EOF (default), BOF, or a regexp: insert after the last line it matches when regexp finds nothing.'),
      insertbefore: text('BOF or a regexp: insert before the last line it matches when regexp finds nothing.'),
      backrefs: boolParam('Expand regexp groups in line; when regexp matches nothing, the file is left alone.'),
      create: boolParam('Create the file when it is missing (default false: fail).'),
      backup: boolParam('Keep a timestamped copy of the old file when it changes.'),
      firstmatch: boolParam('Use the first line insertafter/insertbefore (or regexp) matches, not the last.'),
      validate: { type: 'string', description: 'A command run on the new file before it replaces the old one; %s is its path.' },
      mode: modeSchema,
      owner: nameParam('Owner (user name) of the file.'),
      group: nameParam('Group of the file.'),
      unsafe_writes: boolParam('Accepted for Ansible compatibility; tpx always writes atomically.'),
    },
    additionalProperties: false,
    anyOf: [{ required: ['path'] }, { required: ['dest'] }, { required: ['destfile'] }, { required: ['name'] }],
  },
};
