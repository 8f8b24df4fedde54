import type { JsonSchema, ModuleParams } from './module-params.js';

const seconds = (description: string): JsonSchema => ({
  type: ['integer', 'string'],
  pattern: '^\\s*\\d+\\s*$|\\{\\{[\\s\\S]*\\}\\}',
  minimum: 0,
  'x-expected': 'a number of seconds',
  description,
});

/** `wait_for: { port: 8080, timeout: 60 }`. */
export const waitForParams: ModuleParams = {
  name: 'wait_for',
  description:
    "Waits, on the host, until a port takes connections (or sends a match, stops, or has no active connections left), a file exists (or holds a match, or is gone), or some seconds pass, as Ansible's wait_for.",
  example: 'wait_for:\n  port: 8080\n  timeout: 60',
  schema: {
    title: 'wait_for parameters',
    type: ['object', 'null'],
    properties: {
      host: { type: 'string', minLength: 1, description: 'The address to check the port of, from the host (default 127.0.0.1).' },
      port: { type: ['integer', 'string'], description: 'A TCP port to wait for.' },
      path: { type: 'string', minLength: 1, description: 'A file to wait for (or, with state absent, to be gone).' },
      search_regex: {
        type: 'string',
        description:
          'A Python regular expression: with path, wait until the file holds a match; with port, until what the service sends on a new connection does.',
      },
      state: {
        enum: ['started', 'stopped', 'present', 'absent', 'drained'],
        description:
          'started/present (default): port open or file there; stopped/absent: port closed or file gone; drained: no active connection to port left.',
      },
      delay: seconds('Seconds to wait before the first check (default 0).'),
      timeout: seconds('Seconds to wait at most (default 300); then the task fails.'),
      sleep: seconds('Seconds between checks (default 1).'),
      connect_timeout: seconds('Seconds a connection attempt to another host may take (default 5).'),
      msg: { type: 'string', description: 'The failure message instead of the default one.' },
      active_connection_states: {
        type: ['array', 'string'],
        items: { type: 'string' },
        description:
          'With state drained: the TCP states that count as an active connection: ESTABLISHED, FIN_WAIT1, FIN_WAIT2, SYN_RECV, SYN_SENT, TIME_WAIT (default all six).',
      },
      exclude_hosts: {
        type: ['array', 'string'],
        items: { type: 'string' },
        description: 'With state drained: connections from these hosts (names or addresses) do not count.',
      },
    },
    additionalProperties: false,
  },
};
