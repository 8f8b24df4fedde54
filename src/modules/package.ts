import { type AptParams, normaliseApt } from './apt-args.js';
import { aptFacts, planApt } from './apt.js';
import { type DnfParams, normaliseDnf } from './dnf-args.js';
import { dnfFacts, planDnf } from './dnf.js';
import type { FactResults, ModuleDefinition, Plan, PlanContext } from './module.js';
import { packageParams } from './params/package.js';
import { failPlan, planOrFail } from './plans.js';
import { ModuleArgsError } from './module-args.js';

/** Parameters of `package`: the package manager to use and, for apt and dnf, their parameters. */
export interface PackageParams {
  readonly use: string;
  /** apt's parameters; null with use: dnf. */
  readonly apt: AptParams | null;
  /** dnf's parameters, or why they are not dnf's (said when the host turns out to use dnf). */
  readonly dnf: DnfParams | Error;
}

/** The managers Ansible's package hands over to that tpx has. */
const SUPPORTED = ['auto', 'apt', 'dnf'];
/** Printed by the fact command on a host without apt-get, in place of apt's answer. */
const NO_APT = 'tpx-package-no-apt-get';
/** Printed by the dnf fact command where apt decides (or there is no dnf), in place of dnf's answer. */
const NOT_DNF = 'tpx-package-not-dnf';
/** Printed by the dnf fact command on a dnf host when the parameters are not dnf's. */
const HAS_DNF = 'tpx-package-has-dnf';

export function normalisePackage(raw: Readonly<Record<string, unknown>>): PackageParams {
  const { use: rawUse, ...rest } = raw;
  const use = rawUse === undefined || rawUse === null ? 'auto' : String(rawUse);
  if (!SUPPORTED.includes(use)) {
    throw new ModuleArgsError('package', `use: '${use}' is not supported yet; tpx's package hands over to apt and dnf only (use auto, apt or dnf)`, 'use');
  }
  if (use === 'dnf') return { use, apt: null, dnf: normaliseDnf(rest, 'package') };
  let dnf: DnfParams | Error;
  try {
    dnf = normaliseDnf(rest, 'package');
  } catch (err) {
    dnf = err as Error;
  }
  // With auto, apt's reading decides what is refused before anything runs (as apt hosts are the rule).
  return { use, apt: normaliseApt(rest, 'package'), dnf };
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
  return failPlan(`package: the host's package manager is ${mgr}; tpx's package hands over to apt and dnf only yet (its ${mgr} module is not supported yet)`);
}

/** The dnf request where the manager is dnf (or unknown: then guarded to run only on a dnf host without apt-get). */
function dnfRequests(p: PackageParams, ctx: PlanContext, known: boolean) {
  const guard = known ? '' : `if command -v apt-get >/dev/null 2>&1 || ! command -v dnf >/dev/null 2>&1; then echo ${NOT_DNF}; exit 0; fi; `;
  if (!(p.dnf instanceof Error)) return dnfFacts(p.dnf, ctx, guard);
  return [{ key: 'dnf', command: `${guard}echo ${HAS_DNF}`, become: false }];
}

function planViaDnf(p: PackageParams, facts: FactResults): Plan {
  if (p.dnf instanceof Error) return failPlan(p.dnf.message);
  return planDnf(facts.dnf);
}

/**
 * `package`: hands over to the host's package manager module, as Ansible's package does
 * through `ansible_pkg_mgr`: apt on Debian hosts, dnf on Red Hat ones (found by the gathered
 * facts, or on the host by its apt-get, else its dnf). Other managers are named as not
 * supported yet.
 */
export const packageModule: ModuleDefinition<PackageParams> = {
  name: 'package',
  params: packageParams,
  normalise: normalisePackage,
  facts: (p, ctx) => {
    const mgr = managerOf(p, ctx);
    if (mgr === 'dnf') return dnfRequests(p, ctx, true);
    if ((mgr !== undefined && mgr !== 'apt') || p.apt === null) return [];
    const guard = mgr === 'apt' ? '' : `command -v apt-get >/dev/null 2>&1 || { echo ${NO_APT}; exit 0; }; `;
    return [...aptFacts(p.apt, ctx, guard), ...(mgr === undefined ? dnfRequests(p, ctx, false) : [])];
  },
  plan: (p, facts, ctx) =>
    planOrFail(() => {
      const mgr = managerOf(p, ctx);
      if (mgr === 'dnf') return planViaDnf(p, facts);
      if ((mgr !== undefined && mgr !== 'apt') || p.apt === null) return unsupportedManager(mgr ?? 'unknown');
      if (facts.apt?.stdout.startsWith(NO_APT)) {
        const dnf = facts.dnf?.stdout ?? NOT_DNF;
        if (mgr === undefined && !dnf.startsWith(NOT_DNF)) return planViaDnf(p, facts);
        return failPlan('Could not detect which package manager to use. Try gathering facts or setting the "use" option.');
      }
      return planApt(facts.apt, ctx);
    }),
};
