import { boolParam, modeSchema, nameParam, pathSchema, type ModuleParams } from './module-params.js';

const text = (description: string) => ({ type: ['string', 'number', 'boolean'], description });

/** `blockinfile: { path: /etc/hosts, block: "10.0.0.1 db" }`. */
export const blockinfileParams: ModuleParams = {
  name: 'blockinfile',
  description: "Keeps a block of lines between two marker lines in a text file (inserted, replaced or removed), as Ansible's blockinfile.",
  example: 'blockinfile:\n  path: /etc/hosts\n  marker: "# {mark} TPX DB HOSTS"\n  block: |\n    10.0.0.1 db1\n    10.0.0.2 db2',
  schema: {
    title: 'blockinfile parameters',
    type: 'object',
    properties: {
      path: pathSchema('The file on the host (also accepted as dest, destfile or name); a link is followed, as in Ansible.'),
      dest: pathSchema('Same as path.'),
      destfile: pathSchema('Same as path.'),
      name: pathSchema('Same as path.'),
      state: { enum: ['present', 'absent'], description: 'present (default): the block is there; absent: the block and its markers are not.' },
      block: text('The lines between the markers (default empty: the block is removed).'),
      content: text('Same as block.'),
      marker: text('The marker line; {mark} becomes marker_begin or marker_end (default "# {mark} ANSIBLE MANAGED BLOCK").'),
      marker_begin: text('What {mark} becomes in the first marker (default BEGIN).'),
      marker_end: text('What {mark} becomes in the last marker (default END).'),
      insertafter: text('EOF (default) or a regexp: a new block goes after the last line it matches.'),
      insertbefore: text('BOF or a regexp: a new block goes before the last line it matches.'),
      create: boolParam('Create the file when it is missing (default false: fail).'),
      backup: boolParam('Keep a timestamped copy of the old file when it changes.'),
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
