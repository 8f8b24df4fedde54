import { boolParam, type ModuleParams } from './module-params.js';

const idParam = (description: string) => ({
  type: ['integer', 'string'],
  pattern: '^\\s*\\d+\\s*$|\\{\\{[\\s\\S]*\\}\\}',
  minimum: 0,
  'x-expected': 'a number',
  description,
});

/** `group: { name: deploy, gid: 1500 }`. */
export const groupParams: ModuleParams = {
  name: 'group',
  description: "Adds, changes or removes a local group with groupadd, groupmod and groupdel, as Ansible's group module does.",
  example: 'group:\n  name: deploy\n  gid: 1500\n  state: present',
  schema: {
    title: 'group parameters',
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1, description: 'The group.' },
      gid: idParam('The group id to give it (changed with groupmod when it differs).'),
      state: { enum: ['present', 'absent'], description: 'present (default) adds the group; absent removes it.' },
      system: boolParam('Create a system group (groupadd -r, an id from the system range). Only when the group is added.'),
      non_unique: boolParam('Allow a gid another group has (groupadd -o); needs gid.'),
      local: boolParam('Use the libuser tools (lgroupadd); not supported: only false is accepted.'),
    },
    required: ['name'],
    additionalProperties: false,
  },
};

export { idParam };
