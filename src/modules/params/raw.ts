import { pathSchema, type ModuleParams } from './module-params.js';

/** `raw: cat /etc/os-release`. */
export const rawParams: ModuleParams = {
  name: 'raw',
  description: "Sends a command line to the host as it is (no module wrapper, no Python needed), as Ansible's raw; always changed, skipped in check mode.",
  example: 'raw: test -e /usr/bin/python3 || (apt-get update && apt-get install -y python3-minimal)',
  freeForm: true,
  schema: {
    title: 'raw parameters',
    type: ['string', 'object'],
    minLength: 1,
    'x-expected': 'a command line (free form), with `executable` under `args:` or inline',
    properties: {
      executable: pathSchema(
        'The shell that runs the command line (`EXECUTABLE -c LINE`), e.g. /bin/bash; by default the login shell runs it as /bin/sh would.',
      ),
    },
    additionalProperties: false,
  },
};
