import { backupParam, editedFileProperties, editedPathProperties, editedPathRequired, textParam } from './file-edit-common.js';
import { boolParam, type ModuleParams } from './module-params.js';

/** `blockinfile: { path: /etc/hosts, block: "10.0.0.1 db" }`. */
export const blockinfileParams: ModuleParams = {
  name: 'blockinfile',
  description: "Keeps a block of lines between two marker lines in a text file (inserted, replaced or removed), as Ansible's blockinfile.",
  example: 'blockinfile:\n  path: /etc/hosts\n  marker: "# {mark} TPX DB HOSTS"\n  block: |\n    10.0.0.1 db1\n    10.0.0.2 db2',
  schema: {
    title: 'blockinfile parameters',
    type: 'object',
    properties: {
      ...editedPathProperties('The file on the host (also accepted as dest, destfile or name); a link is followed, as in Ansible.'),
      state: { enum: ['present', 'absent'], description: 'present (default): the block is there; absent: the block and its markers are not.' },
      block: textParam('The lines between the markers (default empty: the block is removed).'),
      content: textParam('Same as block.'),
      marker: textParam('The marker line; {mark} becomes marker_begin or marker_end (default "# {mark} ANSIBLE MANAGED BLOCK").'),
      marker_begin: textParam('What {mark} becomes in the first marker (default BEGIN).'),
      marker_end: textParam('What {mark} becomes in the last marker (default END).'),
      insertafter: textParam('EOF (default) or a regexp: a new block goes after the last line it matches.'),
      insertbefore: textParam('BOF or a regexp: a new block goes before the last line it matches.'),
      create: boolParam('Create the file when it is missing (default false: fail).'),
      backup: backupParam,
      ...editedFileProperties,
    },
    additionalProperties: false,
    anyOf: editedPathRequired,
  },
};
