import type { JsonSchema, ModuleParams } from './module-params.js';

const seconds = (description: string): JsonSchema => ({
  type: ['integer', 'string'],
  pattern: '^\\s*\\d+\\s*$|\\{\\{[\\s\\S]*\\}\\}',
  minimum: 0,
  'x-expected': 'a number of seconds',
  description,
});

/** `wait_for_connection: { delay: 10, timeout: 300 }`. */
export const waitForConnectionParams: ModuleParams = {
  name: 'wait_for_connection',
  description:
    "Waits until the host can be connected to and runs a command, trying again over a new connection each time, as Ansible's wait_for_connection; returns `elapsed`.",
  example: 'wait_for_connection:\n  delay: 10\n  timeout: 300',
  schema: {
    title: 'wait_for_connection parameters',
    type: ['object', 'null'],
    'x-expected': 'nothing, or a mapping with delay, sleep, timeout, connect_timeout',
    properties: {
      delay: seconds('Seconds to wait before the first try (default 0).'),
      sleep: seconds('Seconds between tries (default 1).'),
      timeout: seconds('Seconds to keep trying (default 600); then the task fails.'),
      connect_timeout: seconds('Seconds one connection attempt may take (default 5).'),
    },
    additionalProperties: false,
  },
};
