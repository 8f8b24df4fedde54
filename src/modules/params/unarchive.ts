import { modeSchema, pathSchema, type ModuleParams } from './module-params.js';

/** `unarchive: { src: kuma-2.10.1.tar.gz, dest: /opt/kuma/2.10.1 }`. */
export const unarchiveParams: ModuleParams = {
  name: 'unarchive',
  description: 'Upload a local .tar.gz and unpack it into a directory on the host; skipped when `creates` exists.',
  example: 'unarchive:\n  src: "{{ kuma_package }}"\n  dest: "{{ kuma_install_dir }}/{{ kuma_version }}"\n  creates: "{{ kumactl }}"',
  schema: {
    title: 'unarchive parameters',
    type: 'object',
    properties: {
      src: pathSchema('Local .tar.gz archive, relative to the playbook directory.'),
      dest: pathSchema('Directory on the host to unpack into (created when missing).'),
      creates: pathSchema('Skip the task (ok, unchanged) when this path exists on the host.'),
      mode: modeSchema,
      owner: { type: 'string', minLength: 1, description: 'Owner of the unpacked files.' },
    },
    additionalProperties: false,
    required: ['src', 'dest'],
  },
};
