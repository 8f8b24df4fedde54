import { boolParam, pathSchema, type ModuleParams } from './module-params.js';

const ALGORITHMS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];

/** `stat: { path: /etc/kuma/kuma.conf }` with `register`. */
export const statParams: ModuleParams = {
  name: 'stat',
  description:
    "Reads what a path is (exists, isdir, isreg, islnk, mode, owner, size, times, checksum) into a registered `stat`, as Ansible's stat; never changes anything.",
  example: 'stat:\n  path: /etc/kuma/kuma.conf\nregister: conf',
  schema: {
    title: 'stat parameters',
    type: 'object',
    properties: {
      path: pathSchema('The path on the host (also accepted as dest or name).'),
      dest: pathSchema('Same as path.'),
      name: pathSchema('Same as path.'),
      follow: boolParam('Follow a symbolic link to what it points to (default false).'),
      get_checksum: boolParam('Return the checksum of a regular file the login (or become) user can read (default true).'),
      checksum_algorithm: { enum: ALGORITHMS, description: 'sha1 (default), md5, sha224, sha256, sha384 or sha512.' },
      checksum: { enum: ALGORITHMS, description: 'Same as checksum_algorithm.' },
      checksum_algo: { enum: ALGORITHMS, description: 'Same as checksum_algorithm.' },
      get_md5: boolParam('Also return the md5 (default false).'),
      get_mime: boolParam('Accepted for Ansible compatibility; tpx returns no mimetype or charset.'),
      mime: boolParam('Same as get_mime.'),
      mime_type: boolParam('Same as get_mime.'),
      'mime-type': boolParam('Same as get_mime.'),
      get_attributes: boolParam('Accepted for Ansible compatibility; tpx returns no file attributes (lsattr).'),
      attr: boolParam('Same as get_attributes.'),
      attributes: boolParam('Same as get_attributes.'),
    },
    additionalProperties: false,
    anyOf: [{ required: ['path'] }, { required: ['dest'] }, { required: ['name'] }],
  },
};
