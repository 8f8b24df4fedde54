import { modeSchema, pathSchema, type ModuleParams } from './module-params.js';

/** `file: { path: /var/lib/tpx, state: directory, mode: "0700" }`. */
export const fileParams: ModuleParams = {
  name: 'file',
  description: 'Make sure a path is a directory, a symbolic link, an (empty) file, or absent.',
  example: 'file:\n  path: /var/lib/tpx/backups\n  state: directory\n  mode: "0700"',
  schema: {
    title: 'file parameters',
    type: 'object',
    properties: {
      path: pathSchema('The path on the host.'),
      state: {
        enum: ['directory', 'link', 'absent', 'file', 'touch'],
        description: 'directory: create it (and parents); link: a symlink to src; absent: remove it; file: must exist; touch: create empty or update times.',
      },
      src: pathSchema('Target of the link (state: link).'),
      mode: modeSchema,
      owner: { type: 'string', minLength: 1, description: 'Owner (user name).' },
      group: { type: 'string', minLength: 1, description: 'Group.' },
      recurse: { type: 'boolean', description: 'With state: directory, apply owner, group and mode to everything inside.' },
    },
    additionalProperties: false,
    required: ['path'],
    if: { properties: { state: { const: 'link' } }, required: ['state'] },
    then: { title: 'file parameters (state: link)', required: ['src'] },
  },
};
