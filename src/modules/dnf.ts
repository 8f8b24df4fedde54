import { readFileSync } from 'node:fs';
import type { ExecResult } from '../transport/connection.js';
import { quoteArg } from '../shell/quote.js';
import { OUTPUT_LIMIT_VAR } from '../transport/output-capture.js';
import { type DnfParams, normaliseDnf } from './dnf-args.js';
import type { FactRequest, FactResults, ModuleDefinition, Plan, PlanContext } from './module.js';
import { dnfParams } from './params/dnf.js';
import { failPlan, planOrFail } from './plans.js';

const SCRIPT = readFileSync(new URL('../../host/dnf.py', import.meta.url), 'utf8');
/** The host side (host/dnf.py): rpm queries and the dnf command, as Ansible's dnf decides; input on stdin. */
export const DNF_COMMAND = `cd / && python3 -E -s -S -c ${quoteArg(SCRIPT)}`;
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
  try {
    const doc = JSON.parse(text) as DnfAnswer;
    if (typeof doc?.result === 'object' && doc.result !== null) return doc;
  } catch {
    // said below
  }
  const cut = dropped > 0 || text.includes(`not kept: over ${OUTPUT_LIMIT_VAR}`);
  throw new Error(
    cut
      ? `the host's answer was cut (over ${OUTPUT_LIMIT_VAR}); the host may have changed: check it, and raise ${OUTPUT_LIMIT_VAR} for this task (vars: { ${OUTPUT_LIMIT_VAR}: 4M })`
      : "dnf's answer from the host does not read as JSON; the host may have changed: check it",
  );
}

/** Turns host/dnf.py's answer into the task's result: Ansible's keys (msg, results, rc, failures). */
export function planDnf(fact: ExecResult | undefined): Plan {
  if (fact === undefined) throw new Error('dnf: the host was not asked');
  const lastLine = fact.stderr.trim().split('\n').pop() ?? '';
  if (fact.rc === 127 || /python3: (command )?not found/.test(fact.stderr)) {
    throw new Error(`dnf needs python3 on the host, as Ansible does: ${lastLine || `exit code ${fact.rc}`}`);
  }
  const at = fact.stdout.indexOf(MARK);
  if (fact.rc !== 0 || at < 0) throw new Error(`dnf failed on the host: ${lastLine || `exit code ${fact.rc}`}`);
  const doc = readAnswer(fact.stdout.slice(at + MARK.length), fact.stdoutDropped ?? 0);
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
