import { pathSchema, type ModuleParams } from './module-params.js';

/** `script: files/detect.sh --json` or `script: { src: files/detect.sh, args: --json }`. */
export const scriptParams: ModuleParams = {
  name: 'script',
  description: 'Upload a local script (relative to the playbook) and run it on the host.',
  example: 'script:\n  src: files/detect-kuma.sh\n  args: --json',
  freeForm: true,
  schema: {
    title: 'script parameters',
    type: ['string', 'object'],
    minLength: 1,
    'x-expected': 'a script path (with arguments) or a mapping of script parameters',
    properties: {
      src: pathSchema('Local path of the script, relative to the playbook directory.'),
      args: { type: 'string', description: 'Arguments appended to the script, as one string.' },
      chdir: pathSchema('Change into this directory on the host before running.'),
      creates: pathSchema('Skip the task (ok, unchanged) when this path exists on the host.'),
    },
    additionalProperties: false,
    required: ['src'],
  },
};
