import { dnfProperties } from './dnf.js';
import type { ModuleParams } from './module-params.js';

/** `yum: { name: httpd, state: latest }`: on a dnf host, Ansible's yum is its dnf module. */
export const yumParams: ModuleParams = {
  name: 'yum',
  description: "Installs, upgrades and removes rpm packages; as Ansible's yum does on a dnf host, it is the dnf module (the yum 3 backend is not supported).",
  example: 'yum:\n  name: httpd\n  state: latest',
  schema: {
    title: 'yum parameters',
    type: 'object',
    properties: {
      ...dnfProperties,
      use_backend: {
        type: 'string',
        description: 'auto (default: dnf where ansible_pkg_mgr says dnf, or the host has dnf), dnf or yum4; yum (yum 3) is not supported by tpx.',
      },
      use: { type: 'string', description: 'Same as use_backend (give only one).' },
    },
    additionalProperties: false,
  },
};
