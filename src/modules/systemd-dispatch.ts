import { readFileSync } from 'node:fs';
import type { ExecResult } from '../transport/connection.js';
import type { Plan } from './module.js';
import { planSystemd, type SystemdParams, type SystemdState, systemdScript } from './systemd.js';

const DETECT = readFileSync(new URL('../../host/service-mgr.sh', import.meta.url), 'utf8');

/** Which module Ansible's `service` runs: `use`, or with `auto` the host's service manager. */
export type ServiceUse = 'auto' | 'service' | 'systemd';

/** What `service` hands to `systemd`: Ansible drops pattern, runlevel, sleep, arguments/args, with a warning each on its display. */
export interface ServiceForSystemd {
  readonly name: string;
  readonly state?: SystemdState;
  readonly enabled?: boolean;
  /** Only to say that systemd does not use them. */
  readonly pattern?: string;
  readonly sleep?: number;
  readonly arguments?: readonly string[];
}

/**
 * The warnings Ansible's service action shows for each parameter it drops for systemd, in its
 * order (pattern, runlevel, sleep, arguments, args). Known here by their values: a pattern
 * given, a sleep other than 0, arguments given (`sleep: 0`, empty arguments and runlevel are
 * not warned of). Ansible shows them on its display only: the registered result has no
 * `warnings` for them, so they go out as the plan's notices (shown, never registered).
 */
export function ignoredForSystemd(p: ServiceForSystemd): string[] {
  const dropped = [
    ['pattern', p.pattern !== undefined],
    ['sleep', (p.sleep ?? 0) !== 0],
    ['arguments', (p.arguments?.length ?? 0) > 0],
  ] as const;
  return dropped.filter(([, given]) => given).map(([key]) => `Ignoring "${key}" as it is not used in "systemd"`);
}

function asSystemd(p: ServiceForSystemd): SystemdParams {
  return { name: p.name, state: p.state, enabled: p.enabled, daemonReload: false, daemonReexec: false, noBlock: false, force: false };
}

/**
 * What `service` sends to the host: its own script (`use: service`), the systemd module's
 * (`use: systemd`), or with `auto` both, behind host/service-mgr.sh, which picks systemd's where
 * Ansible's service_mgr fact says systemd (each in a subshell of its own: both end with `exit`).
 */
export function serviceDispatchScript(use: ServiceUse, p: ServiceForSystemd, serviceScript: string, check: boolean): string {
  if (use === 'service') return serviceScript;
  const systemd = systemdScript(asSystemd(p), check);
  if (use === 'systemd') return systemd;
  return `${DETECT}\nif [ "$tpx_service_mgr" = systemd ]; then (\n${systemd}\n) else (\n${serviceScript}\n) fi\n`;
}

/** The systemd module's answer to a `service` task, or undefined when the service script answered. */
export function planServiceViaSystemd(p: ServiceForSystemd, fact: ExecResult): Plan | undefined {
  if (/^TPX(SYSTEMD|SERVICE) /m.exec(fact.stdout)?.[1] !== 'SYSTEMD') return undefined;
  const plan = planSystemd(asSystemd(p), { systemd: fact });
  const ignored = ignoredForSystemd(p);
  return ignored.length > 0 ? { ...plan, notices: ignored } : plan;
}
