import type { ModuleParams } from './module-params.js';

/** `fail: { msg: "unsupported version" }`. */
export const failParams: ModuleParams = {
  name: 'fail',
  description: 'Fails the host with a message; use it with `when`.',
  example: 'fail:\n  msg: "kuma_version is required"\nwhen: kuma_version is not defined',
  schema: {
    title: 'fail parameters',
    type: ['object', 'null'],
    'x-expected': 'a mapping with msg',
    properties: { msg: { type: 'string', description: 'The failure message.' } },
    additionalProperties: false,
  },
};
