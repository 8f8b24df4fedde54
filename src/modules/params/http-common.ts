import { boolParam, TEMPLATE_PATTERN, type JsonSchema } from './module-params.js';

/** Seconds, as a number or a string of digits (or a template). */
export const secondsParam = (description: string): JsonSchema => ({
  type: ['integer', 'string'],
  pattern: `^\\s*\\d+\\s*$|${TEMPLATE_PATTERN}`,
  minimum: 0,
  'x-expected': 'a number of seconds',
  description,
});

/** A parameter Ansible has and tpx names as not supported yet when it is given. */
export const notYet = (what: string): JsonSchema => ({ description: `${what} Not supported by tpx yet (named as such when given).` });

/** The request parameters uri and get_url share (Ansible's url_argument_spec and its neighbours). */
export function httpRequestProperties(names: { user: string; password: string }): Record<string, JsonSchema> {
  return {
    url: { type: 'string', minLength: 1, description: 'The URL, http:// or https://, fetched from the host.' },
    headers: {
      type: ['object', 'string'],
      additionalProperties: { type: ['string', 'number', 'boolean'] },
      pattern: TEMPLATE_PATTERN,
      'x-expected': 'a mapping of header names to values',
      description: 'Request headers, a mapping (an Authorization value is masked in all output).',
    },
    url_username: { type: 'string', description: `User name for Basic or Digest authentication (also \`${names.user}\`).` },
    [names.user]: { type: 'string', description: 'Same as url_username.' },
    url_password: { type: 'string', description: `Password for Basic or Digest authentication (also \`${names.password}\`); masked in all output.` },
    [names.password]: { type: 'string', description: 'Same as url_password.' },
    force_basic_auth: boolParam('Send the Basic Authorization header with the first request instead of after a 401 (default false).'),
    http_agent: { type: 'string', description: 'The User-Agent header (default ansible-httpget).' },
    use_proxy: boolParam("Use the host's http_proxy/https_proxy variables (default true)."),
    validate_certs: boolParam('Check the server certificate of an https URL (default true).'),
    unredirected_headers: {
      type: ['array', 'string'],
      items: { type: 'string' },
      description: 'Names of headers not sent again after a redirect (e.g. Authorization).',
    },
    decompress: boolParam('Decompress a gzip-encoded answer (default true).'),
    use_netrc: boolParam("Use the host's ~/.netrc credentials when no user is given (default true)."),
    client_cert: notYet('A client certificate (PEM).'),
    client_key: notYet('The key of client_cert.'),
    ciphers: notYet('TLS ciphers.'),
    use_gssapi: notYet('GSSAPI (Kerberos) authentication.'),
  };
}
