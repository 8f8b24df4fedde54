import { commandLikeProperties } from './command.js';
import { pathSchema, type ModuleParams } from './module-params.js';

/** `shell: iptables-save | grep KUMA`. */
export const shellParams: ModuleParams = {
  name: 'shell',
  description: 'Runs a command line through /bin/sh (or `executable`) on the host: pipes, redirections and variables work.',
  example: 'shell: iptables-save -t nat | grep -c KUMA\nregister: kuma_rules',
  freeForm: true,
  schema: {
    title: 'shell parameters',
    type: ['string', 'object'],
    minLength: 1,
    'x-expected': 'a command line or a mapping of shell parameters',
    properties: {
      ...commandLikeProperties,
      cmd: { type: 'string', minLength: 1, description: 'The command line, run by the shell.' },
      executable: pathSchema('The shell to run the command with, e.g. /bin/bash.'),
    },
    additionalProperties: false,
    anyOf: [{ type: 'string' }, { required: ['cmd'] }],
  },
};
