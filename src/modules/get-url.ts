import { HTTP_REQUEST_COMMAND, normaliseHttpRequest, readAnswer, requestSpec, type HttpRequestOptions } from './http-request.js';
import { ModuleArgs, paramNames } from './module-args.js';
import type { FactResults, ModuleDefinition, Plan, PlanContext } from './module.js';
import { getUrlParams } from './params/get-url.js';
import { failPlan, planOrFail } from './plans.js';

/** The digests a checksum may name (those of Python's hashlib that every build has). */
export const CHECKSUM_ALGORITHMS = [
  'md5',
  'sha1',
  'sha224',
  'sha256',
  'sha384',
  'sha512',
  'blake2b',
  'blake2s',
  'sha3_224',
  'sha3_256',
  'sha3_384',
  'sha3_512',
] as const;

/** Parameters of `get_url`. */
export type GetUrlParams = HttpRequestOptions & {
  readonly dest: string;
  /** The expected digest: a hex value, or the URL of a checksum file to find it in. */
  readonly checksum?: { readonly algorithm: string; readonly hex?: string; readonly url?: string };
  readonly force: boolean;
  readonly backup: boolean;
  readonly mode?: number;
  readonly owner?: string;
  readonly group?: string;
};

const NOT_YET = ['tmp_dest', 'attributes', 'seuser', 'serole', 'setype', 'selevel'];

export function normaliseGetUrl(raw: Readonly<Record<string, unknown>>): GetUrlParams {
  const args = new ModuleArgs('get_url', raw, paramNames(getUrlParams), { username: 'url_username', password: 'url_password', thirsty: 'force' });
  for (const name of NOT_YET) if (args.has(name)) throw args.error(`'${name}' is not supported yet`, name);
  if (args.bool('unsafe_writes', false)) throw args.error("'unsafe_writes' is not supported yet (tpx always replaces dest atomically)", 'unsafe_writes');
  const request = normaliseHttpRequest(args, 10);
  return {
    ...request,
    dest: args.requiredString('dest'),
    checksum: parseChecksum(args),
    force: args.bool('force', false),
    backup: args.bool('backup', false),
    mode: args.mode('mode'),
    owner: args.string('owner') || undefined,
    group: args.string('group') || undefined,
  };
}

/** `ALGORITHM:HEX` or `ALGORITHM:URL`, read as Ansible reads it (separators and case of the hex ignored). */
function parseChecksum(args: ModuleArgs): GetUrlParams['checksum'] {
  const text = args.string('checksum');
  if (!text) return undefined;
  const colon = text.indexOf(':');
  if (colon < 0) throw args.error('The checksum parameter has to be in format <algorithm>:<checksum>', 'checksum');
  const algorithm = text.slice(0, colon);
  const value = text.slice(colon + 1);
  if (!(CHECKSUM_ALGORITHMS as readonly string[]).includes(algorithm)) {
    throw args.error(`checksum algorithm '${algorithm}' is not one of ${CHECKSUM_ALGORITHMS.join(', ')}`, 'checksum');
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https') return { algorithm, url: value };
  if (scheme === 'ftp' || scheme === 'file') throw args.error(`checksum files at '${scheme}' URLs are not supported yet (only http and https)`, 'checksum');
  const hex = value.replace(/[^\p{L}\p{N}_]+/gu, '').toLowerCase();
  if (!/^[0-9a-f]+$/.test(hex)) throw args.error('The checksum format is invalid', 'checksum');
  return { algorithm, hex };
}

/** The JSON the host script reads for this download. */
export function getUrlSpec(p: GetUrlParams, check: boolean): Record<string, unknown> {
  return {
    module: 'get_url',
    ...requestSpec(p),
    // Ansible's get_url leaves redirects to Python's own rules.
    follow_redirects: 'urllib2',
    dest: p.dest,
    algorithm: p.checksum?.algorithm ?? null,
    checksum: p.checksum?.hex ?? null,
    checksum_url: p.checksum?.url ?? null,
    force: p.force,
    backup: p.backup,
    mode: p.mode ?? null,
    owner: p.owner ?? null,
    group: p.group ?? null,
    check,
    // Only the body of an HTTP error is kept in memory, and get_url does not return it.
    max_content: 64 * 1024,
  };
}

function planGetUrl(facts: FactResults): Plan {
  const answer = readAnswer('get_url', facts.http);
  if (typeof answer.fatal === 'string') return failPlan(answer.fatal);
  const { changed, failed, msg, ...returns } = (answer.get_url ?? {}) as Record<string, unknown>;
  if (failed === true) return { ...failPlan(String(msg ?? 'get_url failed'), returns), changed: changed === true };
  return { changed: changed === true, actions: [], returns, msg: String(msg ?? '') };
}

/**
 * `get_url`: one command on the host downloads the URL into a new file beside dest and moves it
 * into place when its content differs (a HEAD request only, in check mode); changed as Ansible's.
 */
export const getUrlModule: ModuleDefinition<GetUrlParams> = {
  name: 'get_url',
  params: getUrlParams,
  normalise: normaliseGetUrl,
  facts: (p, ctx: PlanContext) => [{ key: 'http', command: HTTP_REQUEST_COMMAND, stdin: JSON.stringify(getUrlSpec(p, ctx.check)), become: ctx.become }],
  plan: (_p, facts) => planOrFail(() => planGetUrl(facts)),
};
