import { readFileSync } from 'node:fs';
import { pyStr } from '../template/python-values.js';
import { quoteArgv } from '../shell/quote.js';
import { ModuleArgs, paramNames } from './module-args.js';
import type { FactResults, ModuleDefinition, Plan, PlanContext } from './module.js';
import { waitForParams } from './params/wait-for.js';
import { failPlan, planOrFail } from './plans.js';
import { compilePythonRegex, fromBinary, toBinary } from './python-regex.js';

export type WaitForState = 'started' | 'stopped' | 'present' | 'absent';

/** Parameters of `wait_for`; times in seconds. */
export type WaitForParams = {
  readonly host: string;
  readonly port?: number;
  readonly path?: string;
  readonly searchRegex?: string;
  /** search_regex compiled with re.MULTILINE, for the match groups. */
  readonly regex?: RegExp;
  readonly state: WaitForState;
  readonly delay: number;
  readonly timeout: number;
  readonly sleep: number;
  readonly connectTimeout: number;
  readonly msg?: string;
};

const SCRIPT = readFileSync(new URL('../../host/wait-for.sh', import.meta.url), 'utf8');

export function normaliseWaitFor(raw: Readonly<Record<string, unknown>> | null): WaitForParams {
  const args = new ModuleArgs('wait_for', raw ?? {}, paramNames(waitForParams));
  const state = args.oneOf('state', ['started', 'stopped', 'present', 'absent', 'drained'], 'started');
  if (state === 'drained') throw args.error("state 'drained' is not supported yet", 'state');
  if (args.has('exclude_hosts')) throw args.error('exclude_hosts should only be with state=drained', 'exclude_hosts');
  const port = args.has('port') ? args.int('port', 0) : undefined;
  if (port !== undefined && port > 65535) throw args.error(`'port' must be a TCP port (0 to 65535), not ${port}`, 'port');
  const path = args.string('path') || undefined;
  if (port !== undefined && path !== undefined) throw args.error('port and path parameter can not both be passed to wait_for', 'path');
  if (path !== undefined && state === 'stopped') throw args.error('state=stopped should only be used for checking a port in the wait_for module', 'state');
  const searchRegex = args.has('search_regex') ? pyStr(args.raw('search_regex')) : undefined;
  if (searchRegex !== undefined && port !== undefined) throw args.error('search_regex on a port is not supported yet (only with path)', 'search_regex');
  let regex: RegExp | undefined;
  if (searchRegex !== undefined) {
    try {
      regex = compilePythonRegex(searchRegex, { multiline: true });
    } catch (err) {
      throw args.error(`Invalid regular expression: ${(err as Error).message}`, 'search_regex');
    }
  }
  return {
    host: args.string('host') || '127.0.0.1',
    port,
    path,
    searchRegex,
    regex,
    state,
    delay: args.int('delay', 0),
    timeout: args.int('timeout', 300),
    sleep: args.int('sleep', 1),
    connectTimeout: args.int('connect_timeout', 5),
    msg: args.string('msg'),
  };
}

/** The one command: host/wait-for.sh with its arguments, bounded by the module's own timeout. */
export function waitForCommand(p: WaitForParams): string {
  const kind = p.port !== undefined ? 'port' : p.path !== undefined ? 'path' : 'sleep';
  const argv = [kind, p.state, p.host, String(p.port ?? 0), p.path ?? '', p.searchRegex ?? '', p.timeout, p.sleep, p.delay, p.connectTimeout].map(String);
  return `sh -c ${quoteArgv([SCRIPT])} tpx-wait-for ${quoteArgv(argv)}`;
}

/** Ansible's message when the wait timed out. */
function timeoutMessage(p: WaitForParams): string {
  if (p.msg !== undefined) return p.msg;
  const stopping = p.state === 'stopped' || p.state === 'absent';
  if (p.port !== undefined) return stopping ? `Timeout when waiting for ${p.host}:${p.port} to stop.` : `Timeout when waiting for ${p.host}:${p.port}`;
  if (stopping) return `Timeout when waiting for ${p.path} to be absent.`;
  if (p.searchRegex !== undefined) return `Timeout when waiting for search string ${p.searchRegex} in ${p.path}`;
  return `Timeout when waiting for file ${p.path}`;
}

/** match_groups and match_groupdict of search_regex in what the host sent of the file. */
function matchGroups(p: WaitForParams, content: string): { match_groups: (string | null)[]; match_groupdict: Record<string, string | null> } {
  const m = p.regex?.exec(toBinary(content));
  const text = (v: string | undefined): string | null => (v === undefined ? null : fromBinary(v));
  if (!m) return { match_groups: [], match_groupdict: {} };
  return {
    match_groups: m.slice(1).map(text),
    match_groupdict: Object.fromEntries(Object.entries(m.groups ?? {}).map(([k, v]) => [k, text(v)])),
  };
}

/**
 * What Ansible's AnsibleModule adds to a result naming an existing path (add_path_info):
 * uid, gid, owner, group (the id when it has no name), mode, state (its kind) and size.
 */
function describedPath([info, owner, group]: string[]): Record<string, unknown> {
  const [, uid, gid, mode, size, kind] = info.split(' ');
  const name = (n: string | undefined, id: string): string => (n === undefined || n === '' || n === 'UNKNOWN' ? id : n);
  return {
    uid: Number(uid),
    gid: Number(gid),
    owner: name(owner, uid),
    group: name(group, gid),
    mode: `0${parseInt(mode, 8).toString(8).padStart(3, '0')}`,
    state: kind,
    size: Number(size),
  };
}

function planWaitFor(p: WaitForParams, facts: FactResults, ctx: PlanContext): Plan {
  if (ctx.check) return { changed: false, actions: [], skipInCheckMode: true, msg: 'remote module (wait_for) does not support check mode' };
  const fact = facts.wait;
  const at = fact.stdout.indexOf('TPXWAIT ');
  if (fact.rc !== 0 || at < 0) throw new Error(`the wait on the host failed: ${fact.stderr.trim() || `exit code ${fact.rc}`}`);
  const eol = fact.stdout.indexOf('\n', at);
  const [, outcome, ...rest] = fact.stdout.slice(at, eol < 0 ? undefined : eol).split(' ');
  if (outcome === 'error') return failPlan(rest.join(' '), { elapsed: 0 });
  const elapsed = Number(rest[0]) || 0;
  if (outcome === 'timeout') return failPlan(timeoutMessage(p), { elapsed });
  let content = eol < 0 ? '' : fact.stdout.slice(eol + 1);
  let pathInfo: Record<string, unknown> = {};
  if (content.startsWith('TPXPATH ')) {
    const lines = content.split('\n', 3);
    pathInfo = describedPath(lines);
    content = content.slice(lines.join('\n').length + 1);
  }
  return {
    changed: false,
    actions: [],
    returns: {
      state: p.state,
      port: p.port ?? null,
      search_regex: p.searchRegex ?? null,
      ...(p.regex ? matchGroups(p, content) : { match_groups: [], match_groupdict: {} }),
      path: p.path ?? null,
      elapsed,
      ...pathInfo,
    },
  };
}

/** `wait_for`: one bounded wait on the host (a port, a file, a match in it, or time); never changed; skipped in check mode, as in Ansible 2.14. */
export const waitForModule: ModuleDefinition<WaitForParams> = {
  name: 'wait_for',
  params: waitForParams,
  normalise: normaliseWaitFor,
  facts: (p, ctx) => (ctx.check ? [] : [{ key: 'wait', command: waitForCommand(p), become: ctx.become }]),
  plan: (p, facts, ctx) => planOrFail(() => planWaitFor(p, facts, ctx)),
};
