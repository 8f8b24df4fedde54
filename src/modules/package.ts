import { type AptParams, normaliseApt } from './apt-args.js';
import { aptFacts, planApt } from './apt.js';
import type { ModuleDefinition, Plan, PlanContext } from './module.js';
import { packageParams } from './params/package.js';
import { failPlan, planOrFail } from './plans.js';
import { ModuleArgsError } from './module-args.js';

/** Parameters of `package`: the package manager to use and, for apt, apt's parameters. */
export interface PackageParams {
  readonly use: string;
  readonly apt: AptParams;
}

/** The managers Ansible's package hands over to that tpx has. */
const SUPPORTED = ['auto', 'apt'];
/** Printed by the fact command on a host without apt-get, in place of apt's answer. */
const NO_APT = 'tpx-package-no-apt-get';

export function normalisePackage(raw: Readonly<Record<string, unknown>>): PackageParams {
  const { use: rawUse, ...rest } = raw;
  const use = rawUse === undefined || rawUse === null ? 'auto' : String(rawUse);
  if (!SUPPORTED.includes(use)) {
    throw new ModuleArgsError('package', `use: '${use}' is not supported yet; tpx's package hands over to apt only (use auto or apt)`, 'use');
  }
  return { use, apt: normaliseApt(rest, 'package') };
}

/** The package manager the facts name (`ansible_facts.pkg_mgr`, `ansible_pkg_mgr`), if gathered. */
export function knownPackageManager(vars: Readonly<Record<string, unknown>>): string | undefined {
  const facts = vars.ansible_facts as Record<string, unknown> | undefined;
  const mgr = facts?.pkg_mgr ?? vars.ansible_pkg_mgr;
  return typeof mgr === 'string' ? mgr : undefined;
}

function managerOf(p: PackageParams, ctx: PlanContext): string | undefined {
  return p.use === 'auto' ? knownPackageManager(ctx.vars) : p.use;
}

function unsupportedManager(mgr: string): Plan {
  return failPlan(`package: the host's package manager is ${mgr}; tpx's package hands over to apt only yet (its ${mgr} module is not supported yet)`);
}

/**
 * `package`: hands over to the host's package manager module, as Ansible's package does
 * through `ansible_pkg_mgr`: apt on Debian hosts (found by the gathered facts, or on the host
 * by its apt-get). Other managers are named as not supported yet.
 */
export const packageModule: ModuleDefinition<PackageParams> = {
  name: 'package',
  params: packageParams,
  normalise: normalisePackage,
  facts: (p, ctx) => {
    const mgr = managerOf(p, ctx);
    if (mgr !== undefined && mgr !== 'apt') return [];
    const guard = mgr === 'apt' ? '' : `command -v apt-get >/dev/null 2>&1 || { echo ${NO_APT}; exit 0; }; `;
    return aptFacts(p.apt, ctx, guard);
  },
  plan: (p, facts, ctx) =>
    planOrFail(() => {
      const mgr = managerOf(p, ctx);
      if (mgr !== undefined && mgr !== 'apt') return unsupportedManager(mgr);
      if (facts.apt?.stdout.startsWith(NO_APT)) {
        return failPlan('Could not detect which package manager to use. Try gathering facts or setting the "use" option.');
      }
      return planApt(facts.apt, ctx);
    }),
};
