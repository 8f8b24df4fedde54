import type { ModuleParams } from './module-params.js';

/** `ping:` — can tpx reach the host and run a command there. */
export const pingParams: ModuleParams = {
  name: 'ping',
  description: 'Checks that the host can be reached and runs a command; returns `ping: pong` (or `data`). Never changes anything.',
  example: 'ping:',
  schema: {
    title: 'ping parameters',
    type: ['object', 'null'],
    'x-expected': 'nothing, or a mapping with data',
    properties: { data: { type: 'string', description: 'What to answer instead of "pong"; "crash" makes the task fail, as in Ansible.' } },
    additionalProperties: false,
  },
};
