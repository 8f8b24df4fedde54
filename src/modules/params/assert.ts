import { boolParam, type ModuleParams } from './module-params.js';

/** `assert: { that: ["rc == 0"], fail_msg: "..." }`. */
export const assertParams: ModuleParams = {
  name: 'assert',
  description: 'Checks that every expression in `that` holds (bare Jinja2 expressions); fails the host otherwise, naming the first false one.',
  example: 'assert:\n  that:\n    - kuma_rules.rc == 0\n    - "\'KUMA\' in kuma_rules.stdout"\n  fail_msg: Kuma rules are missing',
  schema: {
    title: 'assert parameters',
    type: 'object',
    properties: {
      that: {
        type: ['string', 'array', 'boolean'],
        items: { type: ['string', 'boolean'] },
        minItems: 1,
        'x-expected': 'an expression or a list of expressions',
        description: 'Expression(s) that must all be true.',
      },
      msg: { type: 'string', description: 'Message when an expression is false (same as fail_msg).' },
      fail_msg: { type: 'string', description: 'Message when an expression is false.' },
      success_msg: { type: 'string', description: 'Message when all expressions hold.' },
      quiet: boolParam('Do not print the success message.'),
    },
    additionalProperties: false,
    required: ['that'],
  },
};
