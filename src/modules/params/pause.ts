import { TEMPLATE_PATTERN, type ModuleParams } from './module-params.js';

/** A whole number, or a template that renders to one. */
const count = (description: string) => ({
  type: ['integer', 'string'],
  pattern: `^(?:\\d+|.*${TEMPLATE_PATTERN}.*)$`,
  minimum: 0,
  'x-expected': 'a whole number',
  description,
});

/** `pause: seconds=30`, `pause: { minutes: 1 }`, `pause: { prompt: "Check the canary, then press enter" }`. */
export const pauseParams: ModuleParams = {
  name: 'pause',
  description:
    'Waits, once per batch (on its first host, as Ansible does): for `seconds` or `minutes`, or, without either, until enter is pressed on the terminal (not waiting when there is none).',
  example: 'pause:\n  prompt: "Check the canary ({{ ansible_play_batch | join(\', \') }}), then press enter"',
  schema: {
    title: 'pause parameters',
    type: ['object', 'null'],
    'x-expected': 'a mapping with seconds, minutes or prompt',
    properties: {
      seconds: count('How long to wait, in seconds (at least 1).'),
      minutes: count('How long to wait, in minutes.'),
      prompt: { type: 'string', description: 'The question shown when waiting for enter (and before a timed wait).' },
      echo: { type: ['boolean', 'string'], description: 'Show what is typed (default yes).' },
    },
    additionalProperties: false,
  },
};
