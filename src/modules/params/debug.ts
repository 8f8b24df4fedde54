import type { ModuleParams } from './module-params.js';

/** `debug: { msg: "..." }` or `debug: { var: kuma_rules.stdout_lines }`. */
export const debugParams: ModuleParams = {
  name: 'debug',
  description: "Shows a message or a variable's value; with `verbosity: N` only at -v level N or above.",
  example: 'debug:\n  msg: "{{ inventory_hostname }}: {{ installed }} -> {{ kuma_version }}"',
  schema: {
    title: 'debug parameters',
    type: ['object', 'null'],
    'x-expected': 'a mapping with msg or var',
    properties: {
      msg: { description: 'The message (templated); any value.' },
      var: { type: 'string', minLength: 1, description: 'A variable name or expression to print (not in {{ }}).' },
      verbosity: { type: 'integer', minimum: 0, description: 'Print only with at least this many -v (tpx run -v).' },
    },
    additionalProperties: false,
  },
};
