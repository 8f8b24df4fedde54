import { readFileSync } from 'node:fs';
import { quoteArg, quoteArgv } from '../shell/quote.js';
import { ModuleArgs, paramNames } from './module-args.js';
import type { FactResults, ModuleDefinition, Plan, PlanContext } from './module.js';
import { serviceParams } from './params/service.js';
import { failPlan, planOrFail } from './plans.js';
import { tokenizeShellWords } from './split-args.js';
import { planServiceViaSystemd, type ServiceUse, serviceDispatchScript } from './systemd-dispatch.js';

export type ServiceState = 'started' | 'stopped' | 'restarted' | 'reloaded';

/** Parameters of `service`. */
export type ServiceParams = {
  readonly name: string;
  readonly state?: ServiceState;
  readonly enabled?: boolean;
  readonly pattern?: string;
  /** Seconds between stop and start when restarting. */
  readonly sleep: number;
  /** `arguments`, split into words as Ansible's shlex.split splits its command line. */
  readonly arguments: readonly string[];
  /** The module that acts: Ansible's service (`service`), its systemd (`systemd`), or as the host's service manager says (absent: auto). */
  readonly use?: ServiceUse;
};

const SCRIPT = readFileSync(new URL('../../host/service.sh', import.meta.url), 'utf8');

/**
 * A service name that is safe as one argument of `service`, `update-rc.d`, `systemctl` and in
 * the glob `/etc/rc?.d/S??NAME`: no `/`, no blanks, no shell or glob characters, no leading `-`.
 */
const SERVICE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@:+-]*$/;

export function normaliseService(raw: Readonly<Record<string, unknown>>): ServiceParams {
  const args = new ModuleArgs('service', raw, paramNames(serviceParams), { args: 'arguments' });
  const name = args.requiredString('name');
  if (!SERVICE_NAME.test(name)) {
    throw args.error(`'name' must be a service name (letters, digits and . _ @ : + -, not starting with - or .), not ${JSON.stringify(name)}`, 'name');
  }
  const state = args.has('state') ? args.oneOf<ServiceState>('state', ['started', 'stopped', 'restarted', 'reloaded'], 'started') : undefined;
  const enabled = args.has('enabled') ? args.bool('enabled', false) : undefined;
  if (state === undefined && enabled === undefined) throw args.error('one of the following is required: state, enabled');
  const use = (args.string('use') ?? 'auto').toLowerCase();
  if (use !== 'auto' && use !== 'service' && use !== 'systemd') {
    throw args.error(`use: '${use}' is not supported yet; tpx's service works as Ansible's service or systemd module (use auto, service or systemd)`, 'use');
  }
  for (const key of ['pattern', 'arguments']) {
    if (args.string(key)?.includes('\0')) throw args.error(`'${key}' cannot hold a NUL byte`, key);
  }
  let words: string[];
  try {
    words = tokenizeShellWords(args.string('arguments') ?? '').map((w) => w.value);
  } catch (err) {
    throw args.error(`'arguments': ${(err as Error).message}`, 'arguments');
  }
  return {
    name,
    state,
    enabled,
    pattern: args.has('pattern') ? args.string('pattern') : undefined,
    sleep: args.int('sleep', 0),
    arguments: words,
    ...(use === 'auto' ? {} : { use }),
  };
}

/**
 * What the host reads on stdin: the parameters as shell assignments (quoted by the one quoter),
 * then host/service.sh. Nothing of the task is on the command line, where `ps` (and so a
 * `pattern`) would see it.
 */
export function serviceScript(p: ServiceParams, check: boolean): string {
  const enabled = p.enabled === undefined ? '' : p.enabled ? 'yes' : 'no';
  const preamble = [
    `name=${quoteArg(p.name)}`,
    `state=${quoteArg(p.state ?? '')}`,
    `enabled=${enabled}`,
    `pattern=${quoteArg(p.pattern ?? '')}`,
    `has_pattern=${p.pattern ? 1 : 0}`,
    `sleep_s=${p.sleep}`,
    `check=${check ? 1 : 0}`,
    p.arguments.length > 0 ? `set -- ${quoteArgv(p.arguments)}` : 'set --',
  ];
  return `${preamble.join('\n')}\n${SCRIPT}`;
}

/** Reads host/service.sh's answer: `TPXSERVICE OUTCOME CHANGED SHAPE`, then the msg. */
export function planService(p: ServiceParams, facts: FactResults): Plan {
  const fact = facts.service;
  const at = fact.stdout.indexOf('TPXSERVICE ');
  if (at < 0) throw new Error(`the service command on the host failed: ${fact.stderr.trim() || `exit code ${fact.rc}`}`);
  const eol = fact.stdout.indexOf('\n', at);
  const [, outcome, changedFlag, shape] = fact.stdout.slice(at, eol < 0 ? undefined : eol).split(' ');
  const msg = eol < 0 ? '' : fact.stdout.slice(eol + 1);
  const changed = changedFlag === '1';
  if (outcome === 'failed') return failPlan(msg);
  // Ansible's check mode leaves early with only `changed` (and a msg when the running state would change).
  if (shape === 'bare') return { changed, actions: [], ...(msg ? { msg } : {}) };
  const returns: Record<string, unknown> = { name: p.name };
  if (p.enabled !== undefined) returns.enabled = p.enabled;
  if (p.state !== undefined) returns.state = p.state === 'stopped' ? 'stopped' : 'started';
  return { changed, actions: [], returns };
}

/** With `use: auto`, gathered facts decide as Ansible's service action reads them; without them, the host does. */
function serviceUse(p: ServiceParams, ctx: PlanContext): ServiceUse {
  if (p.use !== undefined && p.use !== 'auto') return p.use;
  const mgr = (ctx.vars.ansible_facts as Record<string, unknown> | undefined)?.service_mgr;
  if (typeof mgr !== 'string') return 'auto';
  return mgr === 'systemd' ? 'systemd' : 'service';
}

/**
 * `service`: one command on the host (host/service.sh, on stdin) finds the service manager as
 * Ansible's service module does, sets enablement and the running state (nothing in check mode,
 * where it only predicts) and answers with Ansible's changed, msg and result.
 */
export const serviceModule: ModuleDefinition<ServiceParams> = {
  name: 'service',
  params: serviceParams,
  normalise: normaliseService,
  facts: (p, ctx: PlanContext) => [
    { key: 'service', command: 'sh -s', stdin: serviceDispatchScript(serviceUse(p, ctx), p, serviceScript(p, ctx.check), ctx.check), become: ctx.become },
  ],
  plan: (p, facts) => planOrFail(() => planServiceViaSystemd(p, facts.service) ?? planService(p, facts)),
};
