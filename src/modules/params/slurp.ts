import { pathSchema, type ModuleParams } from './module-params.js';

/** `slurp: { src: /etc/kuma/token }` with `register`: the content, base64-encoded. */
export const slurpParams: ModuleParams = {
  name: 'slurp',
  description: "Reads a file on the host into a registered `content` (base64, `| b64decode` to read it), as Ansible's slurp; never changes anything.",
  example: 'slurp:\n  src: /etc/kuma/token\nregister: token\n# "{{ token.content | b64decode }}"',
  schema: {
    title: 'slurp parameters',
    type: 'object',
    properties: {
      src: pathSchema('The file on the host (also accepted as path); a link is followed, as Ansible reads it.'),
      path: pathSchema('Same as src.'),
    },
    additionalProperties: false,
    anyOf: [{ required: ['src'] }, { required: ['path'] }],
  },
};
