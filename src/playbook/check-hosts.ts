import { HostPatternError, selectHosts, splitPattern } from '../inventory/patterns.js';
import type { Inventory } from '../inventory/types.js';
import { isImplicitLocalhost } from '../inventory/implicit-localhost.js';
import { didYouMean } from '../errors/suggest.js';
import { containsTemplate } from '../template/syntax.js';

/**
 * Problems of a play's `hosts` against an inventory: a plain name in the pattern that is
 * neither a host nor a group (a typo, most likely), or a pattern that cannot be read.
 * Globs, regexes and templates are not second-guessed; a pattern matching no host is fine.
 */
export function checkHostsPattern(inventory: Inventory, hosts: unknown): string[] {
  const patterns = typeof hosts === 'string' ? [hosts] : Array.isArray(hosts) ? hosts.filter((h): h is string => typeof h === 'string') : [];
  const messages: string[] = [];
  const known = [...inventory.groups.keys(), ...inventory.hosts.keys()];
  for (const pattern of patterns) {
    if (containsTemplate(pattern)) continue;
    try {
      selectHosts(inventory, pattern);
    } catch (error) {
      if (error instanceof HostPatternError) messages.push(`bad hosts pattern "${pattern}": ${error.message}`);
      else throw error;
      continue;
    }
    for (const term of splitPattern(pattern)) {
      const name = term.replace(/^[&!]/, '').replace(/\[[^\]]*\]$/, '');
      if (name === 'all' || name === '*' || name === 'ungrouped' || name.startsWith('~') || /[*?[]/.test(name)) continue;
      if (inventory.hosts.has(name) || inventory.groups.has(name) || isImplicitLocalhost(inventory.hosts, name)) continue;
      messages.push(`hosts names "${name}", which is neither a host nor a group of the inventory${didYouMean(name, known)}`);
    }
  }
  return messages;
}
