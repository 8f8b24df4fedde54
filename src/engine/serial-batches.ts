import type { SerialSpec } from '../playbook/types.js';

/**
 * Batch sizes for `serial`, as Ansible computes them: a number is a host count, "N%" is
 * int(N * hosts / 100) with a minimum of 1, and the last value repeats until every host
 * is in a batch. Without `serial`, one batch holds every host.
 */
export function computeBatchSizes(hostCount: number, serial: SerialSpec | undefined): number[] {
  if (hostCount === 0) return [];
  if (!serial || serial.length === 0) return [hostCount];
  const sizes: number[] = [];
  let left = hostCount;
  let i = 0;
  while (left > 0) {
    const spec = serial[Math.min(i, serial.length - 1)];
    let size = resolveSerialValue(spec, hostCount);
    // Ansible: a size of 0 (or more than the hosts left) means "all remaining".
    if (size <= 0 || size > left) size = left;
    sizes.push(size);
    left -= size;
    i++;
  }
  return sizes;
}

/** One serial value (5, "5", "30%") → a host count, relative to all hosts of the play. */
export function resolveSerialValue(spec: number | string, hostCount: number): number {
  if (typeof spec === 'number') return Math.trunc(spec);
  const text = spec.trim();
  if (text.endsWith('%')) {
    const pct = Number(text.slice(0, -1));
    if (!Number.isFinite(pct)) throw new RangeError(`invalid serial percentage "${spec}"`);
    return Math.max(1, Math.trunc((pct / 100) * hostCount));
  }
  const n = Number(text);
  if (!Number.isFinite(n)) throw new RangeError(`invalid serial value "${spec}"`);
  return Math.trunc(n);
}

/** Splits hosts (in order) into the batches of `serial`. */
export function splitIntoBatches(hosts: readonly string[], serial: SerialSpec | undefined): string[][] {
  const batches: string[][] = [];
  let start = 0;
  for (const size of computeBatchSizes(hosts.length, serial)) {
    batches.push(hosts.slice(start, start + size));
    start += size;
  }
  return batches;
}
