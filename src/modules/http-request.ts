import { secretMasker } from '../errors/mask-secrets.js';
import { pyStr } from '../template/python-values.js';
import { formatBytes, parseByteSize } from '../transport/byte-size.js';
import type { ExecResult } from '../transport/connection.js';
import { DEFAULT_OUTPUT_LIMIT, OUTPUT_LIMIT_VAR } from '../transport/output-capture.js';
import type { ModuleArgs } from './module-args.js';
import { answerCutMessage, answerText, hostPythonCommand, jsonObject } from './host-program.js';

/**
 * What uri and get_url share: the request options (Ansible's url_argument_spec), the one
 * command that makes the request on the host (host/http-request.py, see there why python3), and
 * the reading of its answer. The request goes to the command's stdin as JSON, so a password or
 * an Authorization header is never on a command line (`ps` on the host, `-vv`).
 */

/** The command, the same for every request: `cd /` and -E -s -S keep the user's Python setup out. */
export const HTTP_REQUEST_COMMAND = hostPythonCommand('http-request.py');

const ANSWER_MARK = 'tpx-http-v1\n';

/** Options of one request, normalised. */
export interface HttpRequestOptions {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly urlUsername?: string;
  readonly urlPassword?: string;
  readonly forceBasicAuth: boolean;
  readonly httpAgent: string;
  readonly useProxy: boolean;
  readonly validateCerts: boolean;
  readonly unredirectedHeaders: readonly string[];
  readonly decompress: boolean;
  readonly useNetrc: boolean;
  /** Seconds. */
  readonly timeout: number;
}

/** Headers whose values are credentials, masked in all output like passwords. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization']);

/** Parameters Ansible has that tpx refuses for now (when given a value other than their default). */
const NOT_YET = ['client_cert', 'client_key', 'ciphers'];

/** Reads the request options of uri or get_url (aliases resolved by the caller's ModuleArgs). */
export function normaliseHttpRequest(args: ModuleArgs, defaultTimeout: number): HttpRequestOptions {
  for (const name of NOT_YET) if (args.has(name)) throw args.error(`'${name}' is not supported yet`, name);
  if (args.bool('use_gssapi', false)) throw args.error("'use_gssapi' is not supported yet", 'use_gssapi');
  const url = args.requiredString('url');
  if (!/^https?:\/\//i.test(url)) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
    throw args.error(
      scheme ? `'${scheme}' URLs are not supported yet (only http and https): ${url}` : `'url' must be an http:// or https:// URL, not '${url}'`,
      'url',
    );
  }
  const options: HttpRequestOptions = {
    url,
    headers: readHeaders(args),
    urlUsername: args.string('url_username') || undefined,
    urlPassword: args.string('url_password'),
    forceBasicAuth: args.bool('force_basic_auth', false),
    httpAgent: args.string('http_agent') ?? 'ansible-httpget',
    useProxy: args.bool('use_proxy', true),
    validateCerts: args.bool('validate_certs', true),
    unredirectedHeaders: args.stringList('unredirected_headers') ?? [],
    decompress: args.bool('decompress', true),
    useNetrc: args.bool('use_netrc', true),
    timeout: args.int('timeout', defaultTimeout),
  };
  maskCredentials(options);
  return options;
}

function readHeaders(args: ModuleArgs): Record<string, string> {
  const raw = args.raw('headers');
  if (raw === undefined) return {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw args.error("'headers' must be a mapping of header names to values", 'headers');
  const headers = Object.fromEntries(Object.entries(raw as Record<string, unknown>).map(([k, v]) => [k, pyStr(v)]));
  // Python's http.client refuses these too, but its message quotes the value (a token): not shown here.
  for (const [name, value] of Object.entries(headers)) {
    if (/[\r\n\0]/.test(value)) throw args.error(`the value of header '${name}' has a line break or a NUL character (not shown)`, 'headers');
  }
  return headers;
}

/**
 * Registers the request's credentials with the masker, so that they show as `********` in every
 * output, report and log, also where a server echoes them back: the password, the credentials
 * of the URL, Authorization headers and the Basic header tpx's request makes from them.
 */
export function maskCredentials(o: HttpRequestOptions): void {
  const add = (value: string | undefined): void => {
    if (value && !value.includes('{{')) secretMasker.add(value);
  };
  add(o.urlPassword);
  for (const [name, value] of Object.entries(o.headers)) if (SECRET_HEADERS.has(name.toLowerCase())) add(value);
  // The URL's userinfo as the host script reads it: up to the first '@', split at the first ':',
  // percent-decoded (as Ansible); the password masked as written and as decoded.
  const inUrl = /^[a-z][a-z0-9+.-]*:\/\/([^/?#@:]*):([^/?#@]*)@/i.exec(o.url);
  const urlUser = inUrl ? percentDecode(inUrl[1]) : undefined;
  const urlPassword = inUrl ? percentDecode(inUrl[2]) : undefined;
  add(inUrl?.[2]);
  add(urlPassword);
  const user = o.urlUsername ?? urlUser;
  const password = o.urlUsername !== undefined ? o.urlPassword : urlPassword;
  if (user !== undefined && password) {
    const token = Buffer.from(`${user}:${password}`, 'utf8').toString('base64');
    add(token);
  }
}

/** Python's urllib.parse.unquote: %XX sequences as UTF-8, a malformed one kept as written. */
function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}

/** The JSON fields of the request options the host script reads. */
export function requestSpec(o: HttpRequestOptions): Record<string, unknown> {
  return {
    url: o.url,
    headers: o.headers,
    url_username: o.urlUsername ?? null,
    url_password: o.urlPassword ?? null,
    force_basic_auth: o.forceBasicAuth,
    http_agent: o.httpAgent,
    use_proxy: o.useProxy,
    validate_certs: o.validateCerts,
    unredirected_headers: o.unredirectedHeaders,
    decompress: o.decompress,
    use_netrc: o.useNetrc,
    timeout: o.timeout,
  };
}

/** The task's output limit (`tpx_output_limit`, else the transport's default), in bytes. */
function outputLimit(vars: Readonly<Record<string, unknown>>): number {
  return parseByteSize(vars[OUTPUT_LIMIT_VAR]) ?? DEFAULT_OUTPUT_LIMIT;
}

/**
 * Most bytes of a response body the host sends back: half the output limit (its text may be
 * sent twice, as content and as json) less room for the rest of the answer.
 */
export function maxContent(vars: Readonly<Record<string, unknown>>): number {
  return Math.max(1024, Math.floor(outputLimit(vars) / 2) - 4096);
}

/** The message of a body longer than maxContent. */
export function bodyTooLarge(vars: Readonly<Record<string, unknown>>): string {
  return `the response body is larger than ${formatBytes(maxContent(vars))}, the most tpx keeps with ${OUTPUT_LIMIT_VAR} at ${formatBytes(outputLimit(vars))}; raise it for this task (vars: { ${OUTPUT_LIMIT_VAR}: 16M })`;
}

/**
 * The host script's answer, parsed; throws an Error that says what went wrong when there is
 * none (no python3 on the host, an answer cut by the output limit, a crash).
 */
export function readAnswer(module: string, fact: ExecResult): Record<string, unknown> {
  if ((fact.stdoutDropped ?? 0) > 0) throw new Error(answerCutMessage(false));
  const line = answerText(fact, { module, mark: ANSWER_MARK, failed: 'the request on the host failed' }).split('\n', 1)[0];
  const answer = jsonObject(line);
  if (answer) return answer;
  throw new Error('the request on the host gave an answer tpx cannot read');
}
