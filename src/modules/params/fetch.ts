import { boolParam, pathSchema, type ModuleParams } from './module-params.js';

/** `fetch: { src: /etc/kuma/kuma.conf, dest: backups/ }`. */
export const fetchParams: ModuleParams = {
  name: 'fetch',
  description:
    "Copies a file from the host to the controller, under dest/HOSTNAME/SRC (or at dest with flat), as Ansible's fetch; changed when the local copy differs; skipped in check mode.",
  example: 'fetch:\n  src: /etc/kuma/kuma.conf\n  dest: backups/',
  schema: {
    title: 'fetch parameters',
    type: 'object',
    properties: {
      src: pathSchema('The file on the host (a link is followed); not a directory.'),
      dest: pathSchema("The directory on the controller (relative: the playbook's); with flat, the file itself, or a directory when it ends in /."),
      flat: boolParam('Write to dest itself (or dest/BASENAME when dest ends in /) instead of dest/HOSTNAME/SRC (default false).'),
      fail_on_missing: boolParam('Fail when src is missing, unreadable or a directory (default true); otherwise ok, saying so.'),
      validate_checksum: boolParam("Check that the copy's sha1 is the host file's (default true)."),
    },
    additionalProperties: false,
    required: ['src', 'dest'],
  },
};
