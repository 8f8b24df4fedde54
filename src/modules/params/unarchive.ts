import { pathSchema, type ModuleParams } from './module-params.js';

/** `unarchive: { src: kuma-2.10.1.tar.gz, dest: /opt/kuma/2.10.1 }`. */
export const unarchiveParams: ModuleParams = {
  name: 'unarchive',
  description:
    "Streams a local .tar.gz to the host and unpacks it into a directory on the host (created when missing); unpacks again only when the archive's sha256 changes (recorded in dest/.tpx-unarchive-<name>.sha256).",
  example:
    'unarchive:\n  src: "{{ kuma_package }}"\n  dest: "{{ kuma_install_dir }}/{{ kuma_version }}"\n  creates: "{{ kumactl }}"\n  extra_opts: [--strip-components=1]',
  schema: {
    title: 'unarchive parameters',
    type: 'object',
    properties: {
      src: pathSchema('Local .tar.gz archive, relative to the playbook directory.'),
      dest: pathSchema('Directory on the host to unpack into.'),
      creates: pathSchema('Skip the task (ok, unchanged) when this path exists on the host.'),
      extra_opts: {
        type: ['array', 'string'],
        items: { type: 'string' },
        'x-expected': 'a list of tar options',
        description: 'More tar options, e.g. `[--strip-components=1]`.',
      },
      remote_src: { const: false, 'x-expected': 'false (src must be a local archive)', description: 'Only false is supported: src is always a local archive.' },
      copy: {
        const: true,
        'x-expected': 'true (src must be a local archive)',
        description: "Only true is supported (Ansible's old name for remote_src: false).",
      },
    },
    additionalProperties: false,
    required: ['src', 'dest'],
  },
};
