import { boolParam, type ModuleParams } from './module-params.js';

/** `sysctl: { name: net.ipv4.ip_forward, value: 1, sysctl_file: /etc/sysctl.d/90-forward.conf }`. */
export const sysctlParams: ModuleParams = {
  name: 'sysctl',
  description:
    "Sets a kernel parameter in a sysctl file and, as asked, in the running kernel, as Ansible's sysctl module (ansible.posix) does; by default the file is then reloaded with sysctl -p.",
  example: 'sysctl:\n  name: net.ipv4.ip_forward\n  value: "1"\n  sysctl_file: /etc/sysctl.d/90-forward.conf',
  schema: {
    title: 'sysctl parameters',
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1, description: 'The key, e.g. net.ipv4.ip_forward.' },
      key: { type: 'string', minLength: 1, description: 'Same as name.' },
      value: { type: ['string', 'number', 'boolean'], description: 'The value (required with state present); yes/no and true/false become 1/0.' },
      val: { type: ['string', 'number', 'boolean'], description: 'Same as value.' },
      state: { enum: ['present', 'absent'], description: 'present (default) sets the key in the file; absent removes it from the file.' },
      reload: boolParam('After a change, load the whole sysctl_file with sysctl -p (every key in it). Default true.'),
      sysctl_set: boolParam('Also set the running value with sysctl -w when it differs. Default false.'),
      ignoreerrors: boolParam('Ignore unknown keys (sysctl -e).'),
      sysctl_file: { type: 'string', minLength: 1, description: 'The file to edit; default /etc/sysctl.conf.' },
    },
    additionalProperties: false,
  },
};
