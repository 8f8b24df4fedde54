import { aptParams } from './apt.js';
import { stringOrList, type ModuleParams } from './module-params.js';

/** apt's own parameters, which Ansible's package hands over to apt as they are. */
const { name: _name, pkg: _pkg, package: _package, state: _state, ...aptOnly } = aptParams.schema.properties as Record<string, unknown>;

/** `package: { name: curl, state: present }`. */
export const packageParams: ModuleParams = {
  name: 'package',
  description: "Installs or removes packages with the host's package manager, as Ansible's package module does; on Debian hosts (apt) it is the apt module.",
  example: 'package:\n  name:\n    - curl\n    - jq\n  state: present',
  schema: {
    title: 'package parameters',
    type: 'object',
    properties: {
      name: { ...stringOrList, description: 'Package names, a list or a comma-separated string, as the package manager reads them (`foo=1.0` for apt).' },
      state: { type: 'string', description: 'present or absent; latest where the package manager has it (apt does).' },
      use: {
        type: 'string',
        description: 'The package manager module: auto (default: found on the host, as ansible_pkg_mgr) or apt; others are not supported by tpx yet.',
      },
      ...aptOnly,
    },
    additionalProperties: false,
  },
};
