import { FACT_NAMES } from '../facts/parse-facts.js';
import { suggest } from '../errors/suggest.js';
import { ANSIBLE_INTERNAL_VARS } from '../inventory/ansible-internal-vars.js';
import { CONNECTION_VAR_NAMES } from '../inventory/connection-vars.js';
import type { Inventory } from '../inventory/types.js';
import { isFactVariable } from '../playbook/gather-facts.js';
import { type Play, type Playbook, playSections, type TaskNode } from '../playbook/types.js';
import { MAGIC_VAR_NAMES } from '../engine/task-vars.js';
import { referencedNames } from '../template/referenced-names.js';

/** `ansible_*` names the engine sets itself (task-vars.ts, loop-items.ts) or reads as settings. */
const ENGINE_NAMES: ReadonlySet<string> = new Set([
  ...MAGIC_VAR_NAMES,
  'ansible_connection',
  'ansible_python_interpreter',
  ...ANSIBLE_INTERNAL_VARS,
  ...Object.values(CONNECTION_VAR_NAMES).flat(),
]);

/**
 * `ansible_*` names the playbook reads that are neither a fact tpx gathers, nor a variable
 * tpx or Ansible sets, nor one the playbook, the inventory or `-e` defines — a misspelt fact,
 * most likely (`ansible_os_famly`) — each as a warning with the fact it was probably meant to be.
 */
export function unknownFacts(playbook: Playbook, inventory: Inventory | undefined, extraVars: Readonly<Record<string, unknown>>): string[] {
  const defined = new Set<string>(Object.keys(extraVars));
  for (const host of inventory?.hosts.values() ?? []) for (const name of Object.keys(host.vars)) defined.add(name);
  for (const play of playbook.plays) definedByPlay(play, defined);
  const facts = [...FACT_NAMES].map((name) => `ansible_${name}`);
  const warnings: string[] = [];
  for (const name of referencedNames(playbook.plays)) {
    if (!name.startsWith('ansible_') || isFactVariable(name) || ENGINE_NAMES.has(name) || defined.has(name)) continue;
    const guess = suggest(name, facts);
    warnings.push(`"${name}" is not a fact tpx gathers, nor a variable the playbook or inventory defines${guess ? `; did you mean "${guess}"?` : ''}`);
  }
  return warnings;
}

/** Names a play defines: vars, vars files, role defaults and vars, block and task vars, loop vars, register, set_fact. */
function definedByPlay(play: Play, into: Set<string>): void {
  const add = (names: Iterable<string>): void => {
    for (const name of names) into.add(name);
  };
  add(Object.keys(play.vars));
  add(Object.keys(play.roleDefaults));
  add(Object.keys(play.roleVars));
  for (const file of play.varsFiles) add(Object.keys(file.vars ?? {}));
  const walk = (nodes: readonly TaskNode[]): void => {
    for (const node of nodes) {
      add(Object.keys(node.vars));
      if (node.kind === 'block') {
        for (const list of [node.block, node.rescue, node.always]) walk(list);
        continue;
      }
      into.add(node.loopVar);
      if (node.register) into.add(node.register);
      if (node.module === 'set_fact') {
        add(Object.keys(node.args).filter((k) => k !== '_raw_params'));
        const raw = node.args._raw_params;
        if (typeof raw === 'string') add([...raw.matchAll(/(?:^|\s)(\w+)=/g)].map((m) => m[1]));
      }
    }
  };
  for (const section of playSections(play)) walk(section);
  walk(play.handlers);
}
