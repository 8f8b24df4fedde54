import { readFileSync } from 'node:fs';
import { pyStr } from '../template/python-values.js';
import { quoteArg } from '../shell/quote.js';
import { editedPathRead } from './write-file-command.js';
import { ModuleArgs, paramNames } from './module-args.js';
import type { FactResults, ModuleDefinition, Plan, PlanContext } from './module.js';
import { waitForParams } from './params/wait-for.js';
import { failPlan, planOrFail } from './plans.js';
import { compilePythonRegex, fromBinary, toBinary } from './python-regex.js';

export type WaitForState = 'started' | 'stopped' | 'present' | 'absent' | 'drained';

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
  /** state drained: the TCP states that count as an active connection (Ansible's names). */
  readonly activeConnectionStates: readonly string[];
  /** state drained: connections from these hosts do not count. */
  readonly excludeHosts?: readonly string[];
};

const SCRIPT = readFileSync(new URL('../../host/wait-for.sh', import.meta.url), 'utf8');
const PORT_HELPER = readFileSync(new URL('../../host/wait-for-port.py', import.meta.url), 'utf8');

/** The TCP states state drained may count, with their code in /proc/net/tcp. */
const TCP_STATES: Readonly<Record<string, string>> = {
  ESTABLISHED: '01',
  SYN_SENT: '02',
  SYN_RECV: '03',
  FIN_WAIT1: '04',
  FIN_WAIT2: '05',
  TIME_WAIT: '06',
};
const DEFAULT_ACTIVE_STATES = ['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'SYN_RECV', 'SYN_SENT', 'TIME_WAIT'];

/** An Ansible `list` parameter: a list, or a string of comma-separated items. */
function listParam(args: ModuleArgs, name: string): string[] | undefined {
  const raw = args.raw(name);
  if (typeof raw === 'string') return raw.split(',').map((item) => item.trim());
  return args.stringList(name);
}

/** `host`: a name or an address; one starting with `-` would read as an option of nc or getent. */
function hostParam(args: ModuleArgs): string {
  const host = args.string('host') || '127.0.0.1';
  if (host.startsWith('-')) throw args.error(`'host' must be a host name or an address, not ${JSON.stringify(host)}`, 'host');
  return host;
}

export function normaliseWaitFor(raw: Readonly<Record<string, unknown>> | null): WaitForParams {
  const args = new ModuleArgs('wait_for', raw ?? {}, paramNames(waitForParams));
  const state = args.oneOf('state', ['started', 'stopped', 'present', 'absent', 'drained'], 'started');
  const excludeHosts = listParam(args, 'exclude_hosts');
  if (excludeHosts !== undefined && state !== 'drained') throw args.error('exclude_hosts should only be with state=drained', 'exclude_hosts');
  const activeConnectionStates = listParam(args, 'active_connection_states') ?? DEFAULT_ACTIVE_STATES;
  for (const name of activeConnectionStates) {
    if (!(name in TCP_STATES)) throw args.error(`unknown active_connection_state (${name}) defined`, 'active_connection_states');
  }
  const port = args.has('port') ? args.int('port', 0) : undefined;
  if (port !== undefined && port > 65535) throw args.error(`'port' must be a TCP port (0 to 65535), not ${port}`, 'port');
  const path = args.string('path') || undefined;
  if (port !== undefined && path !== undefined) throw args.error('port and path parameter can not both be passed to wait_for', 'path');
  if (path !== undefined && state === 'stopped') throw args.error('state=stopped should only be used for checking a port in the wait_for module', 'state');
  if (path !== undefined && state === 'drained') throw args.error('state=drained should only be used for checking a port in the wait_for module', 'state');
  // Ansible 2.14 crashes there (int(None)); tpx says what is missing.
  if (state === 'drained' && port === undefined) throw args.error("state=drained needs 'port': the port whose connections to wait for", 'port');
  const searchRegex = args.has('search_regex') ? pyStr(args.raw('search_regex')) : undefined;
  let regex: RegExp | undefined;
  if (searchRegex !== undefined) {
    try {
      regex = compilePythonRegex(searchRegex, { multiline: true });
    } catch (err) {
      throw args.error(`Invalid regular expression: ${(err as Error).message}`, 'search_regex');
    }
  }
  return {
    host: hostParam(args),
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
    activeConnectionStates,
    excludeHosts,
  };
}

/** Whether each try connects and reads what the port sends (host/wait-for-port.py). */
function readsPort(p: WaitForParams): boolean {
  return p.port !== undefined && p.searchRegex !== undefined && (p.state === 'started' || p.state === 'present');
}

/**
 * The one command: host/wait-for.sh (and, for search_regex on a port, the source of its python3
 * helper as its argument), bounded by the module's own timeout. No task data on it: see
 * waitForSettings.
 */
export function waitForCommand(p: WaitForParams): string {
  const helper = readsPort(p) ? ` ${quoteArg(PORT_HELPER)}` : '';
  return `sh -c ${quoteArg(SCRIPT)} tpx-wait-for${helper}`;
}

/** What host/wait-for.sh reads on stdin: `name=value` lines, each value quoted by the shell quoter. */
export function waitForSettings(p: WaitForParams): string {
  const kind = p.port !== undefined ? 'port' : p.path !== undefined ? 'path' : 'sleep';
  const settings: Record<string, string | number> = {
    kind,
    state: p.state,
    host: p.host,
    port: p.port ?? 0,
    path: p.path ?? '',
    regex: p.searchRegex ?? '',
    timeout: p.timeout,
    pause: p.sleep,
    delay: p.delay,
    ct: p.connectTimeout,
    states: p.activeConnectionStates.map((name) => TCP_STATES[name]).join(' '),
    excludes: (p.excludeHosts ?? []).join('\n'),
    portreq: readsPort(p) ? JSON.stringify({ host: p.host, port: p.port, regex: p.searchRegex, connect_timeout: p.connectTimeout }) : '',
    // Shell the script runs (in a subshell) before each read of a path's content: the walk root
    // writes by (no other user's link on the way, nor at its name in /tmp), the file opened where
    // it was checked, named by p.
    guard: p.path !== undefined ? editedPathRead(p.path) : ':',
  };
  return Object.entries(settings)
    .map(([name, value]) => `${name}=${quoteArg(String(value))}\n`)
    .join('');
}

/** Ansible's message when the wait timed out. */
function timeoutMessage(p: WaitForParams): string {
  if (p.msg !== undefined) return p.msg;
  const stopping = p.state === 'stopped' || p.state === 'absent';
  if (p.state === 'drained') return `Timeout when waiting for ${p.host}:${p.port} to drain`;
  if (p.port !== undefined && readsPort(p)) return `Timeout when waiting for search string ${p.searchRegex} in ${p.host}:${p.port}`;
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
      // Ansible fills these from a match in a file only, never from what a port sent.
      ...(p.regex && p.path !== undefined ? matchGroups(p, content) : { match_groups: [], match_groupdict: {} }),
      path: p.path ?? null,
      elapsed,
      ...pathInfo,
    },
  };
}

/**
 * `wait_for`: one bounded wait on the host (a port open, closed, drained of connections or
 * sending a match; a file, a match in it, or its absence; or time); never changed; skipped in
 * check mode, as in Ansible 2.14.
 */
export const waitForModule: ModuleDefinition<WaitForParams> = {
  name: 'wait_for',
  params: waitForParams,
  normalise: normaliseWaitFor,
  facts: (p, ctx) => (ctx.check ? [] : [{ key: 'wait', command: waitForCommand(p), stdin: waitForSettings(p), become: ctx.become }]),
  plan: (p, facts, ctx) => planOrFail(() => planWaitFor(p, facts, ctx)),
};
