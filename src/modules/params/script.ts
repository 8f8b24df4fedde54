import { pathSchema, type ModuleParams } from './module-params.js';

/** `script: files/detect.sh --json` or `script: { cmd: files/detect.sh --json, creates: /x }`. */
export const scriptParams: ModuleParams = {
  name: 'script',
  description:
    'Sends a local script to a private temporary file on the host (on the stdin of one command), runs it with its arguments (stdin from /dev/null), then removes it.',
  example: 'script: files/detect-kuma.sh --json\n# or\nscript:\n  cmd: files/detect-kuma.sh --json\n  creates: /var/lib/tpx/detected',
  freeForm: true,
  schema: {
    title: 'script parameters',
    type: ['string', 'object'],
    minLength: 1,
    'x-expected': 'a script path (with arguments) or a mapping of script parameters',
    properties: {
      cmd: { type: 'string', minLength: 1, description: 'The local script path, then its arguments (split like a shell would, never expanded).' },
      chdir: pathSchema('Change into this directory on the host before running.'),
      creates: pathSchema('Skip the task (ok, unchanged) when this path exists on the host.'),
      removes: pathSchema('Skip the task (ok, unchanged) when this path does not exist on the host.'),
      executable: { type: 'string', minLength: 1, description: 'Run the script with this program (e.g. `python3 -u`) instead of its #! line.' },
    },
    additionalProperties: false,
    anyOf: [{ type: 'string' }, { required: ['cmd'] }],
  },
};
