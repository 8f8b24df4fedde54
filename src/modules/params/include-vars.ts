import { boolParam, pathSchema, stringOrList, type ModuleParams } from './module-params.js';

/** `include_vars: vars/{{ env }}.yml` or `include_vars: { dir: vars/site, name: site }`. */
export const includeVarsParams: ModuleParams = {
  name: 'include_vars',
  description:
    "Reads variables from YAML/JSON files on the controller (a file, or every file of a directory) into the host's variables, as Ansible's include_vars; vault files are decrypted.",
  example: 'include_vars:\n  file: "vars/{{ env }}.yml"\n  name: site',
  freeForm: true,
  schema: {
    title: 'include_vars parameters',
    type: ['string', 'object'],
    minLength: 1,
    'x-expected': 'a file name, or a mapping of include_vars parameters',
    properties: {
      file: pathSchema("The vars file: absolute, or looked for in the role's vars/, beside the task's file, then the playbook's vars/ and directory."),
      dir: pathSchema("A directory whose files are all read, in name order (relative: the role's vars/, else beside the task's file)."),
      depth: {
        type: ['integer', 'string'],
        minimum: 0,
        'x-expected': 'a number of directory levels',
        description: 'With dir: how many directories to read (0, the default, is all).',
      },
      files_matching: { type: 'string', description: 'With dir: only file names a Python regular expression finds.' },
      ignore_files: { ...stringOrList, description: 'With dir: file names to leave out (regular expressions matched at the end of the name).' },
      extensions: { type: 'array', items: { type: 'string' }, description: 'With dir: the file extensions read (default yaml, yml, json).' },
      ignore_unknown_extensions: boolParam('With dir: leave out files of other extensions instead of failing (default false).'),
      name: { type: 'string', minLength: 1, description: 'Put the variables under this one variable instead of at the top.' },
      hash_behaviour: { enum: ['replace'], description: "Only 'replace' (Ansible's default: a variable read replaces an earlier value whole)." },
    },
    additionalProperties: false,
  },
};
