import { readFileSync } from 'node:fs';
import { quoteArg } from '../shell/quote.js';
import { ModuleArgs, paramNames } from './module-args.js';
import type { FactResults, ModuleDefinition, Plan, PlanContext } from './module.js';
import type { ModuleParams } from './params/module-params.js';
import { systemdParams, systemdServiceParams } from './params/systemd.js';
import { failPlan, planOrFail } from './plans.js';
import { parseSystemctlShow } from './systemd-show.js';

export type SystemdState = 'started' | 'stopped' | 'restarted' | 'reloaded';

/** Parameters of `systemd` (and `systemd_service`). */
export type SystemdParams = {
  /** The unit as written; absent for a task that only reloads systemd. */
  readonly name?: string;
  readonly state?: SystemdState;
  readonly enabled?: boolean;
  readonly masked?: boolean;
  readonly daemonReload: boolean;
  readonly daemonReexec: boolean;
  readonly noBlock: boolean;
  readonly force: boolean;
  /** Ansible's refusal of a glob in the name: the task fails with it, on the host's turn. */
  readonly refusal?: string;
};

const SCRIPT = readFileSync(new URL('../../host/systemd.sh', import.meta.url), 'utf8');

/**
 * A unit name that is safe as one argument of `systemctl` and in the path `/etc/init.d/NAME`
 * and the glob `/etc/rc?.d/S??NAME`: no `/`, no blanks, no shell or glob characters, no leading `-` or `.`.
 */
const UNIT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@:+\\-]*$/;

const STATES: readonly SystemdState[] = ['started', 'stopped', 'restarted', 'reloaded'];

/** Reads the parameters as Ansible's systemd module does (its aliases, required_one_of, required_by). */
export function normaliseSystemd(module: string, params: ModuleParams, raw: Readonly<Record<string, unknown>>): SystemdParams {
  const aliases = { service: 'name', unit: 'name', 'daemon-reload': 'daemon_reload', 'daemon-reexec': 'daemon_reexec' };
  const args = new ModuleArgs(module, raw, paramNames(params), aliases);
  const name = args.string('name');
  const state = args.has('state') ? args.oneOf<SystemdState>('state', STATES, 'started') : undefined;
  const optionalBool = (key: string): boolean | undefined => (args.has(key) ? args.bool(key, false) : undefined);
  const enabled = optionalBool('enabled');
  const masked = optionalBool('masked');
  const daemonReload = args.bool('daemon_reload', false);
  const daemonReexec = args.bool('daemon_reexec', false);
  if (state === undefined && enabled === undefined && masked === undefined && !args.has('daemon_reload') && !args.has('daemon_reexec')) {
    throw args.error('one of the following is required: state, enabled, masked, daemon_reload, daemon_reexec');
  }
  for (const [key, given] of [
    ['state', state],
    ['enabled', enabled],
    ['masked', masked],
  ] as const) {
    if (given !== undefined && name === undefined) throw args.error(`missing parameter(s) required by '${key}': name`, 'name');
  }
  const scope = args.oneOf('scope', ['system', 'user', 'global'], 'system');
  if (scope !== 'system') {
    throw args.error(`scope: '${scope}' is not supported yet; tpx's ${module} manages the system's units only (scope: system)`, 'scope');
  }
  const common = { state, enabled, masked, daemonReload, daemonReexec, noBlock: args.bool('no_block', false), force: args.bool('force', false) };
  if (name === undefined) return common;
  const glob = ['*', '?', '['].find((g) => name.includes(g));
  if (glob !== undefined) {
    return { ...common, name, refusal: `This module does not currently support using glob patterns, found '${glob}' in service name: ${name}` };
  }
  if (!UNIT_NAME.test(name)) {
    throw args.error(`'name' must be a unit name (letters, digits and . _ @ : + - \\, not starting with - or .), not ${JSON.stringify(name)}`, 'name');
  }
  return { ...common, name };
}

/**
 * What the host reads on stdin: the parameters as shell assignments (quoted by the one
 * quoter), then host/systemd.sh.
 */
export function systemdScript(p: SystemdParams, check: boolean): string {
  const yesNo = (b: boolean | undefined): string => (b === undefined ? "''" : b ? 'yes' : 'no');
  const flag = (b: boolean): string => (b ? '1' : '0');
  const preamble = [
    `name=${quoteArg(p.name ?? '')}`,
    `state=${quoteArg(p.state ?? '')}`,
    `enabled=${yesNo(p.enabled)}`,
    `masked=${yesNo(p.masked)}`,
    `daemon_reload=${flag(p.daemonReload)}`,
    `daemon_reexec=${flag(p.daemonReexec)}`,
    `no_block=${flag(p.noBlock)}`,
    `force=${flag(p.force)}`,
    `check=${flag(check)}`,
  ];
  return `${preamble.join('\n')}\n${SCRIPT}`;
}

/** The header host/systemd.sh answers with. */
const HEADER = /^TPXSYSTEMD (ok|failed) ([01]) ([01-]) (\S+) ([01])$/;
/** The line that ends the `systemctl show` part of the answer (the script leaves out any show line like it). */
const SHOW_END = /^TPXSYSTEMD-END\n/m;

/**
 * Reads host/systemd.sh's answer into Ansible's result: `name`, `changed`, `status` (the
 * `systemctl show` properties), `enabled` and `state` when asked for, its warnings; or its failure.
 * The parts are framed by lines, not byte counts, so a character the transport could not decode
 * shifts nothing.
 */
export function planSystemd(p: SystemdParams, facts: FactResults): Plan {
  const fact = facts.systemd;
  const at = fact.stdout.indexOf('TPXSYSTEMD ');
  const eol = at < 0 ? -1 : fact.stdout.indexOf('\n', at);
  const header = eol < 0 ? null : HEADER.exec(fact.stdout.slice(at, eol));
  if (!header) throw new Error(`the systemd command on the host failed: ${fact.stderr.trim() || `exit code ${fact.rc}`}`);
  const [, outcome, changedFlag, enabledFlag, state, keep] = header;
  const body = fact.stdout.slice(eol + 1);
  const end = SHOW_END.exec(body);
  if (!end) throw new Error(`the systemd command's answer from the host was cut short: ${fact.stderr.trim() || `exit code ${fact.rc}`}`);
  const show = body.slice(0, end.index);
  let rest = body.slice(end.index + end[0].length);
  const warnings: string[] = [];
  while (rest.startsWith('TPXWARN ')) {
    const nl = rest.indexOf('\n');
    warnings.push(rest.slice('TPXWARN '.length, nl < 0 ? undefined : nl));
    rest = nl < 0 ? '' : rest.slice(nl + 1);
  }
  const status = show === '' ? {} : parseSystemctlShow(show);
  const extra = warnings.length > 0 ? { warnings } : {};
  if (outcome === 'failed') return failPlan(rest, { ...(keep === '1' ? { status } : {}), ...extra });
  const returns: Record<string, unknown> = { name: p.name ?? null, status, ...extra };
  if (enabledFlag !== '-') returns.enabled = enabledFlag === '1';
  if (state !== '-') returns.state = state;
  return { changed: changedFlag === '1', actions: [], returns };
}

/**
 * `systemd`: one command on the host (host/systemd.sh, on stdin) runs what Ansible's systemd
 * module runs — daemon-reload, `systemctl show`, mask/unmask, enable/disable, then
 * start/stop/restart/reload — acting only where needed, and nothing in check mode, where it
 * predicts. The name a task uses (`systemd`, `systemd_service`) names the module in messages.
 */
function systemdModuleNamed(params: ModuleParams): ModuleDefinition<SystemdParams> {
  return {
    name: params.name,
    params,
    normalise: (raw) => normaliseSystemd(params.name, params, raw),
    facts: (p, ctx: PlanContext) => (p.refusal ? [] : [{ key: 'systemd', command: 'sh -s', stdin: systemdScript(p, ctx.check), become: ctx.become }]),
    plan: (p, facts) => (p.refusal ? failPlan(p.refusal) : planOrFail(() => planSystemd(p, facts))),
  };
}

export const systemdModule = systemdModuleNamed(systemdParams);
export const systemdServiceModule = systemdModuleNamed(systemdServiceParams);
