import type { ExecResult } from '../transport/connection.js';
import { OUTPUT_LIMIT_VAR } from '../transport/output-capture.js';
import { type DnfParams, normaliseDnf } from './dnf-args.js';
import type { FactRequest, FactResults, ModuleDefinition, Plan, PlanContext } from './module.js';
import { dnfParams } from './params/dnf.js';
import { failPlan, planOrFail } from './plans.js';
import { answerCutMessage, answerText, hostPythonCommand, jsonObject } from './host-program.js';

/** The host side (host/dnf.py): rpm queries and the dnf command, as Ansible's dnf decides; input on stdin. */
export const DNF_COMMAND = hostPythonCommand('dnf.py');
const MARK = 'tpx-dnf-v1\n';

/** What host/dnf.py reads on stdin. */
export function dnfRequest(p: DnfParams, ctx: Pick<PlanContext, 'check'>): string {
  return JSON.stringify({
    names: p.names,
    state: p.state,
    update_cache: p.updateCache,
    disable_gpg_check: p.disableGpgCheck,
    enablerepo: p.enablerepo,
    disablerepo: p.disablerepo,
    autoremove: p.autoremove,
    allow_downgrade: p.allowDowngrade,
    check: ctx.check,
  });
}

/** The one fact request: host/dnf.py does the work (dnf --assumeno only, in check mode). */
export function dnfFacts(p: DnfParams, ctx: PlanContext, guard = ''): FactRequest[] {
  return [{ key: 'dnf', command: `${guard}${DNF_COMMAND}`, stdin: dnfRequest(p, ctx), become: ctx.become }];
}

interface DnfAnswer {
  failed: boolean;
  result: Record<string, unknown>;
}

function readAnswer(text: string, dropped: number): DnfAnswer {
  const doc = jsonObject(text) as DnfAnswer | undefined;
  if (typeof doc?.result === 'object' && doc.result !== null) return doc;
  const cut = dropped > 0 || text.includes(`not kept: over ${OUTPUT_LIMIT_VAR}`);
  throw new Error(cut ? answerCutMessage(true) : "dnf's answer from the host does not read as JSON; the host may have changed: check it");
}

/** Turns host/dnf.py's answer into the task's result: Ansible's keys (msg, results, rc, failures). */
export function planDnf(fact: ExecResult | undefined): Plan {
  const doc = readAnswer(answerText(fact, { module: 'dnf', mark: MARK }), fact?.stdoutDropped ?? 0);
  const { changed, msg, ...returns } = doc.result;
  if (doc.failed) return failPlan(typeof msg === 'string' ? msg : 'dnf failed', returns);
  return { changed: changed === true, actions: [], returns, ...(typeof msg === 'string' ? { msg } : {}) };
}

/**
 * `dnf`: one command on the host (host/dnf.py, its parameters on stdin) reads the installed
 * packages with rpm, decides per spec as Ansible's dnf does (install, upgrade, leave), and
 * changes the host with the dnf command; in check mode dnf only resolves (--assumeno).
 */
export const dnfModule: ModuleDefinition<DnfParams> = {
  name: 'dnf',
  params: dnfParams,
  normalise: (raw) => normaliseDnf(raw),
  facts: (p, ctx) => dnfFacts(p, ctx),
  plan: (_p, facts: FactResults) => planOrFail(() => planDnf(facts.dnf)),
};
