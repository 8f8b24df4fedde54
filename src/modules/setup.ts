import { FACTS_SCRIPT } from '../facts/facts-script.js';
import { injectFacts, parseFacts } from '../facts/parse-facts.js';
import type { ModuleDefinition } from './module.js';
import { setupParams } from './params/setup.js';

/** Parameters of `setup`: name patterns of the facts to keep (none: all). */
export type SetupParams = { readonly filter: readonly RegExp[] };

/**
 * Gathers facts with one read-only sh command (src/facts), changes nothing. The facts are
 * stored on the host as `ansible_facts` and each as `ansible_NAME`, as Ansible injects them.
 */
export const setupModule: ModuleDefinition<SetupParams> = {
  name: 'setup',
  params: setupParams,
  normalise: (raw) => {
    const filter = raw.filter === undefined ? [] : Array.isArray(raw.filter) ? raw.filter.map(String) : [String(raw.filter)];
    return { filter: filter.map(globToRegExp) };
  },
  // Runs in check mode too (it only reads), with the task's become: under `become: true`
  // Ansible gathers as root (user_id root, env of root), so tpx does too.
  facts: () => [{ key: 'facts', command: FACTS_SCRIPT }],
  plan: (params, facts) => {
    const res = facts.facts;
    if (res.rc !== 0)
      return { changed: false, actions: [], failed: true, msg: `gathering facts failed (exit code ${res.rc}): ${res.stderr.trim().split('\n').pop() ?? ''}` };
    const all = parseFacts(res.stdout);
    const kept = params.filter.length === 0 ? all : pick(all, params.filter);
    return { changed: false, actions: [], returns: { ansible_facts: kept }, facts: injectFacts(kept) };
  },
};

/** The facts whose name (with or without `ansible_`) matches one of the patterns. */
function pick(facts: Record<string, unknown>, patterns: readonly RegExp[]): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const [name, value] of Object.entries(facts)) {
    if (patterns.some((re) => re.test(name) || re.test(`ansible_${name}`))) out[name] = value;
  }
  return out;
}

/** A shell-style pattern (`*`, `?`) as an anchored regular expression. */
function globToRegExp(glob: string): RegExp {
  let out = '';
  for (const ch of glob) {
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else out += ch.replace(/[\\^$.|+(){}[\]]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}
