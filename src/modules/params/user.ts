import { idParam } from './group.js';
import { notYet } from './http-common.js';
import { boolParam, type ModuleParams } from './module-params.js';

/** Ansible's user parameters tpx does not support yet: named as such when given. */
export const USER_NOT_YET = [
  'generate_ssh_key',
  'ssh_key_bits',
  'ssh_key_type',
  'ssh_key_file',
  'ssh_key_comment',
  'ssh_key_passphrase',
  'password_lock',
  'password_expire_max',
  'password_expire_min',
  'seuser',
  'login_class',
  'hidden',
  'umask',
  'profile',
  'authorization',
  'role',
] as const;

/** `user: { name: deploy, groups: [adm], append: true, shell: /bin/bash }`. */
export const userParams: ModuleParams = {
  name: 'user',
  description: "Adds, changes or removes a local user with useradd, usermod and userdel, as Ansible's user module does.",
  example: 'user:\n  name: deploy\n  comment: Deployments\n  groups: [adm]\n  append: true\n  shell: /bin/bash',
  schema: {
    title: 'user parameters',
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1, description: 'The user.' },
      user: { type: 'string', minLength: 1, description: 'Same as name.' },
      uid: idParam('The user id.'),
      non_unique: boolParam('Allow a uid another user has (-o).'),
      group: { type: ['string', 'integer'], description: 'The primary group, by name or gid; it must exist.' },
      groups: {
        type: ['string', 'array'],
        items: { type: ['string', 'integer'] },
        'x-expected': 'a list of groups (or a comma-separated string)',
        description: 'Supplementary groups; they must exist. Without append the user is removed from the others; an empty list removes it from all.',
      },
      append: boolParam('Add the user to groups, keeping the groups it is in.'),
      comment: { type: 'string', description: 'The GECOS field (full name).' },
      home: { type: 'string', minLength: 1, description: 'The home directory.' },
      create_home: boolParam('Create the home directory (from /etc/skel) when the user is added or when it is missing. Default true.'),
      createhome: boolParam('Same as create_home.'),
      move_home: boolParam('With a new home: move the contents of the old one there (usermod -m).'),
      skeleton: { type: 'string', minLength: 1, description: 'The directory a new home is copied from (default /etc/skel).' },
      shell: { type: 'string', description: 'The login shell.' },
      system: boolParam('Add a system account (useradd -r). Only when the user is added.'),
      password: {
        type: 'string',
        description:
          'The crypted password hash (e.g. from the password_hash filter), never a clear-text password. Sent to the host on stdin, never on a command line.',
      },
      update_password: { enum: ['always', 'on_create'], description: 'always (default) sets password when it differs; on_create only for a new user.' },
      expires: {
        type: ['number', 'string'],
        'x-expected': 'seconds since the epoch',
        description: 'When the account expires, in seconds since the epoch (a negative number: never).',
      },
      state: { enum: ['present', 'absent'], description: 'present (default) or absent.' },
      remove: boolParam('With state absent: remove the home directory and mail spool too (userdel -r).'),
      force: boolParam('With state absent: remove the user even while it is logged in (userdel -f).'),
      local: boolParam('Use the libuser tools; not supported: only false is accepted.'),
      ...Object.fromEntries(USER_NOT_YET.map((k) => [k, notYet(`Ansible's ${k}.`)])),
    },
    additionalProperties: false,
  },
};
