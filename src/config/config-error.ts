import { ExitCode, TpxError } from '../errors/tpx-error.js';

/**
 * A bad `ansible.cfg` (a line Python's configparser would refuse, a value of the wrong kind)
 * or a bad `ANSIBLE_*` environment variable: a bad option, exit 5, as Ansible's
 * AnsibleOptionsError. `where` is `FILE:LINE` or the variable's name.
 */
export class ConfigError extends TpxError {
  readonly where: string;
  constructor(where: string, message: string) {
    super('config', `${where}: ${message}`, { exitCode: ExitCode.badOptions });
    this.where = where;
  }
}
