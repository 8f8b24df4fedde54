import { boolParam, pathSchema, type ModuleParams } from './module-params.js';

/** `unarchive: { src: kuma-2.10.1.tar.gz, dest: /opt/kuma/2.10.1 }`. */
export const unarchiveParams: ModuleParams = {
  name: 'unarchive',
  description:
    "Unpacks a .tar.gz into a directory on the host (created when missing): a local archive streamed to the host, or with remote_src one on the host already; unpacks again only when the archive's sha256 changes (recorded in dest/.tpx-unarchive-<name>.sha256).",
  example:
    'unarchive:\n  src: "{{ kuma_package }}"\n  dest: "{{ kuma_install_dir }}/{{ kuma_version }}"\n  creates: "{{ kumactl }}"\n  extra_opts: [--strip-components=1]',
  schema: {
    title: 'unarchive parameters',
    type: 'object',
    properties: {
      src: pathSchema('Local .tar.gz archive, relative to the playbook directory (with remote_src: a path on the host).'),
      dest: pathSchema('Directory on the host to unpack into.'),
      creates: pathSchema('Skip the task (ok, unchanged) when this path exists on the host.'),
      extra_opts: {
        type: ['array', 'string'],
        items: { type: 'string' },
        'x-expected': 'a list of tar options',
        description: 'More tar options, e.g. `[--strip-components=1]`.',
      },
      remote_src: boolParam('src is an archive on the host already (default false: a local archive, streamed to the host).'),
      copy: boolParam("Ansible's old name for the opposite of remote_src: false means the archive is on the host."),
    },
    additionalProperties: false,
    required: ['src', 'dest'],
  },
};
