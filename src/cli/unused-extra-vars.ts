import { CONNECTION_VAR_NAMES } from '../inventory/connection-vars.js';
import type { Inventory } from '../inventory/types.js';
import type { Playbook } from '../playbook/types.js';
import { suggest } from '../errors/suggest.js';
import { referencedNames } from '../template/referenced-names.js';

/** Names tpx or Ansible read themselves: never "unused". */
const OWN_NAMES = new Set<string>(Object.values(CONNECTION_VAR_NAMES).flat());

/**
 * The `-e` names nothing reads — not the playbook (its templates and conditions, play and
 * task vars), not the inventory's variables, not tpx itself (connection settings, `tpx_*`,
 * `ansible_*`) — each as a warning, with the name it was probably meant to be:
 * `-e kuma_verison: the playbook and inventory use no variable of that name; did you mean "kuma_version"?`
 */
export function unusedExtraVars(extraVars: Readonly<Record<string, unknown>>, playbook: Playbook, inventory: Inventory | undefined): string[] {
  const used = referencedNames(playbook.plays);
  // Names the playbook and inventory define: what a typo was meant to be, too.
  const defined = new Set(playbook.plays.flatMap((play) => Object.keys(play.vars)));
  for (const host of inventory?.hosts.values() ?? []) {
    referencedNames(host.vars, used);
    for (const name of Object.keys(host.vars)) defined.add(name);
  }
  const known = new Set([...used, ...OWN_NAMES]);
  for (const name of known) defined.add(name);
  const warnings: string[] = [];
  for (const name of Object.keys(extraVars)) {
    if (known.has(name) || name.startsWith('tpx_') || name.startsWith('ansible_')) continue;
    const guess = suggest(
      name,
      [...defined].filter((n) => n !== name),
    );
    warnings.push(`-e ${name}: the playbook and inventory use no variable of that name${guess ? `; did you mean "${guess}"?` : ''}`);
  }
  return warnings;
}
