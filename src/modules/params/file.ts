import { boolParam, modeSchema, nameParam, pathSchema, type ModuleParams } from './module-params.js';

/** `file: { path: /var/lib/tpx, state: directory, mode: "0700" }`. */
export const fileParams: ModuleParams = {
  name: 'file',
  description: "Makes a path a directory, a symbolic link, absent or touched, or fixes an existing file's mode and owner.",
  example: 'file:\n  path: /var/lib/tpx/backups\n  state: directory\n  mode: "0700"',
  schema: {
    title: 'file parameters',
    type: 'object',
    properties: {
      path: pathSchema('The path on the host (also accepted as dest or name).'),
      dest: pathSchema('Same as path.'),
      name: pathSchema('Same as path.'),
      state: {
        enum: ['file', 'directory', 'link', 'absent', 'touch'],
        description:
          'file (default): must exist; directory: create it (and parents); link: a symlink to src; absent: remove it; touch: create empty or update times.',
      },
      src: pathSchema('Target of the link (state: link).'),
      mode: modeSchema,
      owner: nameParam('Owner (user name).'),
      group: nameParam('Group.'),
      force: boolParam('With state: link, replace whatever is at path.'),
      follow: boolParam('Follow symlinks when setting attributes.'),
      modification_time: { enum: ['now', 'preserve'], description: 'With state: touch: now (default) or preserve.' },
      access_time: { enum: ['now', 'preserve'], description: 'With state: touch: now (default) or preserve.' },
    },
    additionalProperties: false,
    anyOf: [{ required: ['path'] }, { required: ['dest'] }, { required: ['name'] }],
    if: { properties: { state: { const: 'link' } }, required: ['state'] },
    then: { title: 'file parameters (state: link)', required: ['src'] },
  },
};
