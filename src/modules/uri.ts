import { dumpJson } from '../template/filters/data-formats.js';
import { isMapping, pyRepr, pyStr } from '../template/python-values.js';
import { bodyTooLarge, HTTP_REQUEST_COMMAND, maxContent, normaliseHttpRequest, readAnswer, requestSpec, type HttpRequestOptions } from './http-request.js';
import { ModuleArgs, paramNames } from './module-args.js';
import type { FactResults, ModuleDefinition, Plan, PlanContext } from './module.js';
import { uriParams } from './params/uri.js';
import { failPlan, planOrFail } from './plans.js';

export type FollowRedirects = 'all' | 'none' | 'safe' | 'urllib2' | 'yes' | 'no';

/** Parameters of `uri`. */
export type UriParams = HttpRequestOptions & {
  readonly method: string;
  /** The encoded body; undefined sends none. */
  readonly body?: string;
  readonly statusCodes: readonly number[];
  readonly returnContent: boolean;
  readonly followRedirects: FollowRedirects;
  readonly creates?: string;
  readonly removes?: string;
};

/** Parameters Ansible's uri has that tpx does not support yet, with what to use instead. */
const NOT_YET: Readonly<Record<string, string>> = {
  dest: ' (download files with get_url)',
  src: '',
  remote_src: '',
  unix_socket: '',
  ca_path: '',
  mode: ' (it goes with dest)',
  owner: ' (it goes with dest)',
  group: ' (it goes with dest)',
};

export function normaliseUri(raw: Readonly<Record<string, unknown>>): UriParams {
  const args = new ModuleArgs('uri', raw, paramNames(uriParams), { user: 'url_username', password: 'url_password' });
  for (const [name, hint] of Object.entries(NOT_YET)) if (args.has(name)) throw args.error(`'${name}' is not supported yet${hint}`, name);
  const request = normaliseHttpRequest(args, 30);
  // Accepted and without effect, as in Ansible 2.14 (its uri never passes force on).
  args.bool('force', false);
  const method = (args.string('method') ?? 'GET').toUpperCase();
  if (!/^[A-Z]+$/.test(method)) throw args.error("Parameter 'method' needs to be a single word in uppercase, like GET or POST.", 'method');
  const format = args.oneOf('body_format', ['raw', 'json', 'form-urlencoded', 'form-multipart'], 'raw');
  if (format === 'form-multipart') throw args.error("body_format 'form-multipart' is not supported yet", 'body_format');
  const headers: Record<string, string> = { ...request.headers };
  const hasType = Object.keys(headers).some((h) => h.toLowerCase() === 'content-type');
  let body: string | undefined;
  const rawBody = args.raw('body');
  if (format === 'json') {
    body = rawBody === undefined ? 'null' : typeof rawBody === 'string' ? rawBody : dumpJson(rawBody);
    if (!hasType) headers['Content-Type'] = 'application/json';
  } else if (format === 'form-urlencoded') {
    if (rawBody !== undefined) body = typeof rawBody === 'string' ? rawBody : formUrlencoded(rawBody, args);
    if (!hasType) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  } else if (rawBody !== undefined) {
    if (typeof rawBody === 'object') throw args.error("'body' must be text with body_format raw; set body_format to json or form-urlencoded for data", 'body');
    body = pyStr(rawBody);
  }
  return {
    ...request,
    headers,
    method,
    body,
    statusCodes: statusCodes(args),
    returnContent: args.bool('return_content', false),
    followRedirects: followRedirects(args),
    creates: args.string('creates') || undefined,
    removes: args.string('removes') || undefined,
  };
}

function statusCodes(args: ModuleArgs): number[] {
  const raw = args.raw('status_code');
  if (raw === undefined) return [200];
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : [raw];
  return items.map((item) => {
    const n = typeof item === 'string' && /^\s*-?\d+\s*$/.test(item) ? Number(item) : item;
    if (typeof n !== 'number' || !Number.isInteger(n)) throw args.error(`'status_code' must be HTTP status codes, not ${JSON.stringify(item)}`, 'status_code');
    return n;
  });
}

function followRedirects(args: ModuleArgs): FollowRedirects {
  const raw = args.raw('follow_redirects');
  if (raw === true) return 'yes';
  if (raw === false) return 'no';
  return args.oneOf('follow_redirects', ['all', 'no', 'none', 'safe', 'urllib2', 'yes'], 'safe');
}

/** Python's urllib.parse.quote_plus: UTF-8, `_.-~` and alphanumerics kept, space as `+`. */
export function quotePlus(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** Ansible's form_urlencoded: a mapping or a list of pairs; a list value repeats its key; None values are left out. */
export function formUrlencoded(body: unknown, args?: ModuleArgs): string {
  let pairs: [unknown, unknown][];
  if (isMapping(body)) pairs = Object.entries(body);
  else if (Array.isArray(body) && body.every((p) => Array.isArray(p) && p.length === 2)) pairs = body as [unknown, unknown][];
  else throw (args?.error ?? ((m: string) => new Error(m)))('failed to parse body as form_urlencoded: cannot form-urlencode body, expect list or dict', 'body');
  const out: string[] = [];
  for (const [key, value] of pairs) {
    const values = Array.isArray(value) ? value : isMapping(value) ? Object.keys(value) : [value];
    for (const v of values) if (v !== null && v !== undefined) out.push(`${quotePlus(pyStr(key))}=${quotePlus(pyStr(v))}`);
  }
  return out.join('&');
}

/** The JSON the host script reads for this request. */
export function uriSpec(p: UriParams, vars: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return {
    module: 'uri',
    ...requestSpec(p),
    method: p.method,
    body: p.body === undefined ? null : Buffer.from(p.body, 'utf8').toString('base64'),
    status_code: p.statusCodes,
    return_content: p.returnContent,
    follow_redirects: p.followRedirects,
    creates: p.creates ?? null,
    removes: p.removes ?? null,
    max_content: maxContent(vars),
  };
}

/**
 * Ansible's absolute_location: a Location header made absolute against the request URL (its
 * quirks kept: a path-absolute location replaces every occurrence of the URL's path).
 */
export function absoluteLocation(url: string, location: string): string {
  if (location.includes('://')) return location;
  if (location.startsWith('/')) {
    const path = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(url)?.[1] ?? '';
    const base = path === '' ? url : url.split(path).join('');
    return `${base}${location}`;
  }
  return `${url.slice(0, Math.max(0, url.lastIndexOf('/')))}/${location}`;
}

/** Keys of a result that say what became of the task: never taken from a response header. */
const RESERVED_KEYS = new Set(['failed', 'skipped', 'unreachable', 'results']);

/** The result as Ansible's uri returns it, from the host script's answer; `failed` when the status is not one of status_code. */
export function uriResult(p: UriParams, answer: Record<string, unknown>, tooLarge: () => string): { failed: boolean; result: Record<string, unknown> } {
  if (typeof answer.fatal === 'string') return { failed: true, result: { url: p.url, status: -1, msg: answer.fatal } };
  const uri = (answer.uri ?? {}) as Record<string, unknown>;
  if (typeof uri.skipped === 'string') return { failed: false, result: { stdout: uri.skipped, stdout_lines: [uri.skipped] } };
  if (uri.too_large === true) return { failed: true, result: { url: p.url, msg: tooLarge() } };
  const info = (uri.info ?? {}) as Record<string, unknown>;
  const resp: Record<string, unknown> = { redirected: info.url !== p.url, ...info, elapsed: uri.elapsed ?? 0, status: Number(info.status) };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resp)) {
    const name = key.replaceAll('-', '_').toLowerCase();
    // A response header named as a verdict (`Skipped: 1` would make `r is skipped` true) is the server's word, not the task's.
    if (!RESERVED_KEYS.has(name)) out[name] = value;
  }
  out.changed = false;
  if (typeof out.location === 'string') out.location = absoluteLocation(p.url, out.location);
  if ('json' in uri) out.json = uri.json;
  if (typeof uri.body === 'string') out.body = uri.body;
  const status = out.status as number;
  if (!p.statusCodes.includes(status)) {
    out.msg = `Status code was ${status} and not ${pyRepr(p.statusCodes)}: ${typeof out.msg === 'string' ? out.msg : ''}`;
    if (p.returnContent) out.content = uri.content ?? '';
    return { failed: true, result: out };
  }
  if (p.returnContent) out.content = uri.content ?? '';
  return { failed: false, result: out };
}

function planUri(p: UriParams, facts: FactResults, ctx: PlanContext): Plan {
  // Ansible 2.14's uri does not run in check mode: the request may change anything. Its message
  // names the module as a task written `uri:` resolves (`ansible.builtin.uri:` says that name).
  if (ctx.check) return { changed: false, actions: [], skipInCheckMode: true, msg: 'remote module (ansible.legacy.uri) does not support check mode' };
  const { failed, result } = uriResult(p, readAnswer('uri', facts.http), () => bodyTooLarge(ctx.vars));
  const { msg, changed: _, ...returns } = result;
  if (failed) return failPlan(String(msg), returns);
  return { changed: false, actions: [], returns, ...(msg === undefined ? {} : { msg: String(msg) }) };
}

/** `uri`: one HTTP request made from the host; never changed; skipped in check mode, as Ansible 2.14's. */
export const uriModule: ModuleDefinition<UriParams> = {
  name: 'uri',
  params: uriParams,
  normalise: normaliseUri,
  facts: (p, ctx) => (ctx.check ? [] : [{ key: 'http', command: HTTP_REQUEST_COMMAND, stdin: JSON.stringify(uriSpec(p, ctx.vars)), become: ctx.become }]),
  plan: (p, facts, ctx) => planOrFail(() => planUri(p, facts, ctx)),
};
