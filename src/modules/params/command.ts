import { boolParam, pathSchema, type JsonSchema, type ModuleParams } from './module-params.js';

/** Options shared by command and shell (also accepted inline in the free form: `chdir=/tmp ls`). */
export const commandLikeProperties: Readonly<Record<string, JsonSchema>> = {
  cmd: { type: 'string', minLength: 1, description: 'The command line (split into words like a shell would, but nothing is expanded).' },
  chdir: pathSchema('Change into this directory before running.'),
  creates: pathSchema('Skip the task (ok, unchanged) when this path exists.'),
  removes: pathSchema('Skip the task (ok, unchanged) when this path does not exist.'),
  stdin: { type: 'string', description: 'Text passed to the command on standard input.' },
  stdin_add_newline: boolParam('Add a newline to stdin (default true).'),
};

/** `command: ls -l` or `command: { argv: [ls, -l], chdir: /tmp }`. */
export const commandParams: ModuleParams = {
  name: 'command',
  description: 'Runs a program with its arguments on the host, without a shell: no pipes, redirections or $VARS.',
  example: 'command: kumactl version\n# or\ncommand:\n  argv: [kumactl, install, transparent-proxy]\n  creates: /etc/kuma/installed',
  freeForm: true,
  schema: {
    title: 'command parameters',
    type: ['string', 'object'],
    minLength: 1,
    'x-expected': 'a command line or a mapping of command parameters',
    properties: {
      ...commandLikeProperties,
      argv: {
        type: 'array',
        items: { type: ['string', 'number'] },
        minItems: 1,
        'x-expected': 'a non-empty list of arguments',
        description: 'The command as a list of arguments (no splitting at all). Use either cmd or argv.',
      },
    },
    additionalProperties: false,
    anyOf: [{ type: 'string' }, { required: ['cmd'] }, { required: ['argv'] }],
  },
};
