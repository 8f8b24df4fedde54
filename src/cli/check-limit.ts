import { nameSome } from '../errors/name-list.js';
import { ExitCode, TpxError } from '../errors/tpx-error.js';
import { selectHosts } from '../inventory/patterns.js';
import type { Inventory } from '../inventory/types.js';

/** Hosts named in the message; the rest are counted. */
const NAMED = 8;

/**
 * `-l PATTERN` that matches no host of the inventory runs nothing; like ansible-playbook,
 * that is an error (exit 1), said before anything connects, not a silent run of 0 hosts.
 */
export function checkLimit(inventory: Inventory, limit: string | undefined): void {
  if (limit === undefined || limit === '' || selectHosts(inventory, limit).length > 0) return;
  const names = [...inventory.hosts.keys()];
  throw new TpxError(
    'limit',
    `-l ${limit}: matches no host of the inventory (${names.length} host${names.length === 1 ? '' : 's'}${names.length > 0 ? `: ${nameSome(names, NAMED)}` : ''}); nothing was run. Check the name or pattern (tpx inventory --graph lists hosts and groups).`,
    { exitCode: ExitCode.error },
  );
}
