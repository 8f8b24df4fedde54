import { boolParam, modeSchema, nameParam, pathSchema, TEMPLATE_PATTERN, type ModuleParams } from './module-params.js';
import { httpRequestProperties, notYet, secondsParam } from './http-common.js';

/** `uri: { url: http://127.0.0.1:5681/ready, status_code: [200, 204] }` with `register`. */
export const uriParams: ModuleParams = {
  name: 'uri',
  description:
    "Makes an HTTP request from the host and registers the answer (status, msg, headers, json, content), failing unless the status is one of status_code, as Ansible's uri.",
  example: 'uri:\n  url: http://127.0.0.1:5681/ready\n  status_code: [200, 204]\nregister: ready',
  schema: {
    title: 'uri parameters',
    type: 'object',
    properties: {
      ...httpRequestProperties({ user: 'user', password: 'password' }),
      method: { type: 'string', minLength: 1, description: 'The HTTP method, one uppercase word (default GET).' },
      body: { description: 'The request body: text, or data encoded as body_format says.' },
      body_format: {
        enum: ['raw', 'json', 'form-urlencoded', 'form-multipart'],
        description: 'raw (default), json or form-urlencoded; sets Content-Type unless headers do.',
      },
      status_code: {
        type: ['integer', 'string', 'array'],
        items: { type: ['integer', 'string'] },
        pattern: `^\\s*-?\\d+(\\s*,\\s*-?\\d+)*\\s*$|${TEMPLATE_PATTERN}`,
        'x-expected': 'an HTTP status code or a list of them',
        description: 'The status codes that mean success (default [200]).',
      },
      return_content: boolParam('Return the body as `content` (default false; a JSON body is always returned as `json`).'),
      timeout: secondsParam('Seconds the connection and each read may take (default 30).'),
      follow_redirects: {
        enum: ['all', 'no', 'none', 'safe', 'urllib2', 'yes', true, false],
        description: "safe (default: GET and HEAD only), all, none, or urllib2 (Python's own rules).",
      },
      creates: pathSchema('Skip the request when this path exists on the host.'),
      removes: pathSchema('Skip the request unless this path exists on the host.'),
      force: boolParam('Accepted and without effect, as in Ansible 2.14.'),
      dest: notYet('A file to write the body to (use get_url).'),
      src: notYet('A file to send as the body.'),
      remote_src: notYet('Whether src is on the host.'),
      unix_socket: notYet('A Unix socket to connect to.'),
      ca_path: notYet('A CA certificate file.'),
      mode: { ...modeSchema, description: 'For dest. Not supported by tpx yet.' },
      owner: nameParam('For dest. Not supported by tpx yet.'),
      group: nameParam('For dest. Not supported by tpx yet.'),
    },
    additionalProperties: false,
    required: ['url'],
  },
};
