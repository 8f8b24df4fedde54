import type { ExecResult } from '../transport/connection.js';
import { OUTPUT_LIMIT_VAR } from '../transport/output-capture.js';
import { type AptParams, normaliseApt } from './apt-args.js';
import type { FactRequest, FactResults, ModuleDefinition, Plan, PlanContext } from './module.js';
import { aptParams } from './params/apt.js';
import { failPlan, planOrFail } from './plans.js';
import { answerCutMessage, answerText, hostPythonCommand, jsonObject } from './host-program.js';

/** The host side (host/apt.py): dpkg-query, apt-cache, apt-get and dpkg as Ansible's apt runs them; input on stdin. */
export const APT_COMMAND = hostPythonCommand('apt.py');
const MARK = 'tpx-apt-v1\n';

/** What host/apt.py reads on stdin. */
export function aptRequest(p: AptParams, ctx: Pick<PlanContext, 'check' | 'diff'>): string {
  return JSON.stringify({
    names: p.names,
    state: p.state,
    update_cache: p.updateCache,
    cache_valid_time: p.cacheValidTime,
    update_cache_retries: p.updateCacheRetries,
    update_cache_retry_max_delay: p.updateCacheRetryMaxDelay,
    purge: p.purge,
    deb: p.deb,
    install_recommends: p.installRecommends,
    force: p.force,
    allow_downgrade: p.allowDowngrade,
    allow_unauthenticated: p.allowUnauthenticated,
    allow_change_held_packages: p.allowChangeHeldPackages,
    autoremove: p.autoremove,
    fail_on_autoremove: p.failOnAutoremove,
    only_upgrade: p.onlyUpgrade,
    dpkg_options: p.dpkgOptions,
    upgrade: p.upgrade,
    force_apt_get: p.forceAptGet,
    check: ctx.check,
    diff: ctx.diff,
  });
}

/** The one fact request: host/apt.py does the work (predicting only, with apt-get -s, in check mode). */
export function aptFacts(p: AptParams, ctx: PlanContext, guard = ''): FactRequest[] {
  return [{ key: 'apt', command: `${guard}${APT_COMMAND}`, stdin: aptRequest(p, ctx), become: ctx.become }];
}

interface AptAnswer {
  failed: boolean;
  result: Record<string, unknown>;
  /** Set when msg is stdout, which is then sent once (Ansible's upgrade returns both). */
  msg_is_stdout?: boolean;
}

/**
 * host/apt.py's JSON line. It bounds its texts, but a lower tpx_output_limit keeps only the
 * start and end of it: then it does not read back, and the host may have changed all the same.
 */
function readAnswer(text: string, dropped: number): AptAnswer {
  const doc = jsonObject(text) as AptAnswer | undefined;
  if (typeof doc?.result === 'object' && doc.result !== null) return doc;
  const cut = dropped > 0 || text.includes(`not kept: over ${OUTPUT_LIMIT_VAR}`);
  throw new Error(cut ? answerCutMessage(true) : "apt's answer from the host does not read as JSON; the host may have changed: check it");
}

const lines = (text: unknown): string[] => (typeof text === 'string' && text !== '' ? text.replace(/\n$/, '').split('\n') : []);

/**
 * Turns host/apt.py's answer into the task's result: Ansible's keys, plus the `stdout_lines`
 * and `stderr_lines` Ansible adds beside stdout and stderr; the diff's `prepared` text shown
 * with --diff.
 */
export function planApt(fact: ExecResult | undefined, ctx: Pick<PlanContext, 'diff'>): Plan {
  const doc = readAnswer(answerText(fact, { module: 'apt', mark: MARK }), fact?.stdoutDropped ?? 0);
  const { changed, msg: sent, ...rest } = doc.result;
  const msg = doc.msg_is_stdout === true ? rest.stdout : sent;
  const returns: Record<string, unknown> = { ...rest };
  if ('stdout' in rest) returns.stdout_lines = lines(rest.stdout);
  if ('stderr' in rest) returns.stderr_lines = lines(rest.stderr);
  if (doc.failed) return failPlan(typeof msg === 'string' ? msg : 'apt failed', returns);
  const prepared = (rest.diff as { prepared?: unknown } | undefined)?.prepared;
  return {
    changed: changed === true,
    actions: [],
    returns,
    ...(typeof msg === 'string' ? { msg } : {}),
    ...(ctx.diff && typeof prepared === 'string' && prepared !== '' ? { diff: prepared } : {}),
  };
}

/**
 * `apt`: one command on the host (host/apt.py, its parameters on stdin) reads the package
 * states, updates the lists when asked and installs or removes with apt-get (a .deb with
 * dpkg), as Ansible's apt does; in check mode apt-get only simulates.
 */
export const aptModule: ModuleDefinition<AptParams> = {
  name: 'apt',
  params: aptParams,
  normalise: (raw) => normaliseApt(raw),
  facts: (p, ctx) => aptFacts(p, ctx),
  plan: (_p, facts: FactResults, ctx) => planOrFail(() => planApt(facts.apt, ctx)),
};
