import { boolParam, modeSchema, nameParam, pathSchema, type ModuleParams } from './module-params.js';
import { httpRequestProperties, notYet, secondsParam } from './http-common.js';

/** `get_url: { url: https://…/kuma.tar.gz, dest: /opt/kuma.tar.gz, checksum: "sha256:…" }`. */
export const getUrlParams: ModuleParams = {
  name: 'get_url',
  description:
    "Downloads a URL to a file on the host (the host fetches it), replaced atomically only when its content differs, with checksum, mode and owner, as Ansible's get_url.",
  example: 'get_url:\n  url: https://example.com/kuma-2.10.1.tar.gz\n  dest: /opt/kuma-2.10.1.tar.gz\n  checksum: "sha256:…"\n  mode: "0644"',
  schema: {
    title: 'get_url parameters',
    type: 'object',
    properties: {
      ...httpRequestProperties({ user: 'username', password: 'password' }),
      dest: pathSchema('The file to write, absolute; a directory: the name comes from Content-Disposition or the URL.'),
      checksum: {
        type: 'string',
        description: 'ALGORITHM:HEX, or ALGORITHM:URL of a checksum file; a file that matches is not downloaded again, a download that does not is refused.',
      },
      force: boolParam('Download even when dest matches checksum (default false); without a checksum, dest is replaced only when the content differs.'),
      thirsty: boolParam('Same as force.'),
      backup: boolParam('Keep a timestamped copy of the old file when it is replaced.'),
      timeout: secondsParam('Seconds the connection and each read may take (default 10).'),
      mode: modeSchema,
      owner: nameParam('Owner (user name or id) of the file.'),
      group: nameParam('Group of the file.'),
      tmp_dest: notYet("Where the download is kept until it is moved (tpx always uses dest's own directory)."),
      attributes: notYet('chattr attributes.'),
      seuser: notYet('SELinux user.'),
      serole: notYet('SELinux role.'),
      setype: notYet('SELinux type.'),
      selevel: notYet('SELinux level.'),
      unsafe_writes: notYet('Writes that are not atomic.'),
    },
    additionalProperties: false,
    required: ['url', 'dest'],
  },
};
