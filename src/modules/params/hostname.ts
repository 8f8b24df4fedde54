import type { ModuleParams } from './module-params.js';

/** `hostname: { name: web-01 }`. */
export const hostnameParams: ModuleParams = {
  name: 'hostname',
  description:
    "Sets the host's name as Ansible's hostname module does on Debian: with hostnamectl where systemd runs, otherwise in /etc/hostname (the running name is then left as it is, as Ansible leaves it).",
  example: 'hostname:\n  name: web-01',
  schema: {
    title: 'hostname parameters',
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1, description: 'The host name.' },
      use: {
        type: 'string',
        description:
          "How to set it: systemd (hostnamectl; Ansible's debian means the same). Default: systemd where systemd runs, else /etc/hostname. Ansible's other strategies (alpine, redhat, openrc…) are not supported.",
      },
    },
    required: ['name'],
    additionalProperties: false,
  },
};
