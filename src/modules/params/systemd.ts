import { boolParam, type ModuleParams } from './module-params.js';

const schema = (title: string): ModuleParams['schema'] => ({
  title,
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, description: 'The unit (`nginx` is `nginx.service`). Required with state, enabled and masked.' },
    service: { type: 'string', minLength: 1, description: 'Same as name.' },
    unit: { type: 'string', minLength: 1, description: 'Same as name.' },
    state: {
      enum: ['started', 'stopped', 'restarted', 'reloaded'],
      description: 'started/stopped act only when needed; restarted and reloaded always act (a stopped unit is started).',
    },
    enabled: boolParam('Whether the unit starts at boot (systemctl enable/disable).'),
    masked: boolParam('Whether the unit is masked (linked to /dev/null, so nothing can start it).'),
    daemon_reload: boolParam('Run `systemctl daemon-reload` first (not in check mode), so changed unit files are read.'),
    'daemon-reload': boolParam('Same as daemon_reload.'),
    daemon_reexec: boolParam('Run `systemctl daemon-reexec` first (not in check mode).'),
    'daemon-reexec': boolParam('Same as daemon_reexec.'),
    scope: { enum: ['system', 'user', 'global'], description: 'The systemd manager: system (default); user and global are not supported yet.' },
    no_block: boolParam("Don't wait for the start/stop job to finish (`systemctl --no-block`)."),
    force: boolParam('Override existing symlinks when enabling or masking (`systemctl --force`).'),
  },
  additionalProperties: false,
});

const description =
  "Starts, stops, restarts or reloads a systemd unit, enables or disables it, masks or unmasks it and reloads systemd, as Ansible's systemd module does; returns the unit's `systemctl show` properties as `status`.";

const example = (module: string): string => `${module}:\n  name: nginx\n  state: started\n  enabled: true\n  daemon_reload: true`;

/** `systemd: { name: nginx, state: started, enabled: true }`. */
export const systemdParams: ModuleParams = { name: 'systemd', description, example: example('systemd'), schema: schema('systemd parameters') };

/** `systemd_service`: Ansible's newer name of the same module. */
export const systemdServiceParams: ModuleParams = {
  name: 'systemd_service',
  description,
  example: example('systemd_service'),
  schema: schema('systemd_service parameters'),
};
