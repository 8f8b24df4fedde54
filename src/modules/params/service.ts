import { boolParam, type ModuleParams } from './module-params.js';

/** `service: { name: nginx, state: started, enabled: true }`. */
export const serviceParams: ModuleParams = {
  name: 'service',
  description:
    "Starts, stops, restarts or reloads a service and sets whether it starts at boot, as Ansible's service module does (init scripts with service and update-rc.d, or systemctl where systemd runs).",
  example: 'service:\n  name: nginx\n  state: started\n  enabled: true',
  schema: {
    title: 'service parameters',
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1, description: 'The service (its init script in /etc/init.d, or its systemd unit).' },
      state: {
        enum: ['started', 'stopped', 'restarted', 'reloaded'],
        description: 'started/stopped act only when needed; restarted always stops and starts; reloaded reloads (starts a stopped service).',
      },
      enabled: boolParam('Whether the service starts at boot. At least one of state and enabled is required.'),
      pattern: { type: 'string', description: 'A text to look for in `ps auxww` instead of asking the service for its status.' },
      sleep: {
        type: ['integer', 'string'],
        pattern: '^\\s*\\d+\\s*$|\\{\\{[\\s\\S]*\\}\\}',
        minimum: 0,
        'x-expected': 'a number of seconds',
        description: 'With state restarted: seconds to wait between the stop and the start.',
      },
      arguments: { type: 'string', description: 'More arguments for the service command, split as a shell splits words (never run by a shell).' },
      args: { type: 'string', description: 'Same as arguments.' },
      runlevel: { type: 'string', description: 'For OpenRC only; accepted and ignored, as Ansible ignores it elsewhere.' },
      use: { type: 'string', description: 'The service manager module: auto (default) or service; others are not supported yet.' },
    },
    required: ['name'],
    additionalProperties: false,
  },
};
