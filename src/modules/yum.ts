import { type DnfParams, normaliseDnf } from './dnf-args.js';
import { dnfFacts, planDnf } from './dnf.js';
import type { ModuleDefinition, PlanContext } from './module.js';
import { ModuleArgsError } from './module-args.js';
import { knownPackageManager } from './package.js';
import { yumParams } from './params/yum.js';
import { failPlan, planOrFail } from './plans.js';

/** Parameters of `yum`: the backend asked for and dnf's parameters. */
export interface YumParams {
  /** auto, or dnf (yum4 is read as dnf). */
  readonly backend: 'auto' | 'dnf';
  readonly dnf: DnfParams;
}

/** Printed by the fact command where the host's package manager is not dnf, in place of dnf's answer. */
const NOT_DNF = 'tpx-yum-not-dnf';
const UNDETECTED =
  'Could not detect which major revision of yum is in use, which is required to determine module backend. You should manually specify use_backend to tell the module whether to use the yum (yum3) or dnf (yum4) backend';

export function normaliseYum(raw: Readonly<Record<string, unknown>>): YumParams {
  const { use, use_backend: useBackend, ...rest } = raw;
  const given = (v: unknown): boolean => v !== undefined && v !== null;
  if (given(use) && given(useBackend)) throw new ModuleArgsError('yum', "parameters are mutually exclusive: ('use', 'use_backend')", 'use');
  const value = String(given(use) ? use : given(useBackend) ? useBackend : 'auto');
  const param = given(use) ? 'use' : 'use_backend';
  if (value === 'yum') throw new ModuleArgsError('yum', `${param}: yum (the yum 3 backend) is not supported by tpx; use dnf (yum4)`, param);
  if (value !== 'auto' && value !== 'dnf' && value !== 'yum4') {
    throw new ModuleArgsError('yum', `${param}: '${value}' is not a yum backend (auto, dnf, yum4 or yum)`, param);
  }
  return { backend: value === 'auto' ? 'auto' : 'dnf', dnf: normaliseDnf(rest, 'yum') };
}

/** The backend: dnf where asked or where the facts say dnf (or yum4); undefined when the host decides. */
function backendOf(p: YumParams, ctx: PlanContext): string | undefined {
  if (p.backend === 'dnf') return 'dnf';
  const mgr = knownPackageManager(ctx.vars);
  return mgr === 'yum4' ? 'dnf' : mgr;
}

/**
 * `yum`: as Ansible's yum action does, hands over to the dnf module where the backend is dnf
 * (asked with use_backend, or `ansible_pkg_mgr`; with no facts, a host with dnf and without
 * apt-get). The yum 3 backend is not supported.
 */
export const yumModule: ModuleDefinition<YumParams> = {
  name: 'yum',
  params: yumParams,
  normalise: normaliseYum,
  facts: (p, ctx) => {
    const mgr = backendOf(p, ctx);
    if (mgr !== undefined && mgr !== 'dnf') return [];
    const guard = mgr === 'dnf' ? '' : `if command -v apt-get >/dev/null 2>&1 || ! command -v dnf >/dev/null 2>&1; then echo ${NOT_DNF}; exit 0; fi; `;
    return dnfFacts(p.dnf, ctx, guard);
  },
  plan: (p, facts, ctx) =>
    planOrFail(() => {
      const mgr = backendOf(p, ctx);
      if (mgr === 'yum') return failPlan('yum: the host uses yum 3, whose backend tpx does not support; only dnf (yum4) is');
      if ((mgr !== undefined && mgr !== 'dnf') || facts.dnf?.stdout.startsWith(NOT_DNF)) return failPlan(UNDETECTED);
      return planDnf(facts.dnf);
    }),
};
