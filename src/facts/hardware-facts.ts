import { type FactRecords, firstRecord, keyValueLines, toInt } from './fact-records.js';

/**
 * Memory and processor facts as ansible-core 2.14 counts them on Linux, from the lines of
 * /proc/meminfo and /proc/cpuinfo the script keeps.
 */

/** memtotal_mb, memfree_mb, swaptotal_mb, swapfree_mb and memory_mb, in MiB rounded down. */
export function memoryFacts(records: FactRecords): Record<string, unknown> {
  const text = firstRecord(records, 'meminfo');
  if (text === undefined) return {};
  const mb = new Map<string, number>();
  for (const [key, value] of keyValueLines(text, ':')) {
    const kb = toInt(value.trim().split(' ')[0]);
    if (kb !== undefined) mb.set(key.toLowerCase(), Math.floor(kb / 1024));
  }
  const facts: Record<string, unknown> = {};
  for (const key of ['memtotal', 'memfree', 'swaptotal', 'swapfree']) if (mb.has(key)) facts[`${key}_mb`] = mb.get(key);
  const get = (k: string): number | null => mb.get(k) ?? null;
  const minus = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : a - b);
  const total = get('memtotal');
  const free = get('memfree');
  const cached = get('cached');
  const buffers = get('buffers');
  const nocacheFree = cached === null || free === null || buffers === null ? null : cached + free + buffers;
  facts.memory_mb = {
    real: { total, used: minus(total, free), free },
    nocache: { free: nocacheFree, used: minus(total, nocacheFree) },
    swap: { total: get('swaptotal'), free: get('swapfree'), used: minus(get('swaptotal'), get('swapfree')), cached: get('swapcached') },
  };
  return facts;
}

/**
 * processor (vendor and model per logical CPU), processor_count (sockets), processor_cores
 * (per socket), processor_threads_per_core, processor_vcpus and processor_nproc, counted the
 * way Ansible counts them — including its quirks: the first socket's and first core's
 * numbers stand for all.
 */
export function cpuFacts(records: FactRecords, architecture: string): Record<string, unknown> {
  const text = firstRecord(records, 'cpuinfo');
  if (text === undefined) return {};
  const processor: string[] = [];
  let i = 0;
  let vendorIds = 0;
  let modelNames = 0;
  let processors = 0;
  let physid = '0';
  let coreid = '0';
  const sockets = new Map<string, number>();
  const cores = new Map<string, number>();
  let declaredCores: number | undefined;
  for (const line of text.split('\n')) {
    const at = line.indexOf(':');
    const key = (at < 0 ? line : line.slice(0, at)).trim();
    const val = at < 0 ? '' : line.slice(at + 1).trim();
    if (['model name', 'Processor', 'vendor_id', 'cpu', 'Vendor', 'processor'].includes(key)) {
      processor.push(val);
      if (key === 'vendor_id') vendorIds++;
      if (key === 'model name') modelNames++;
      if (key === 'processor') processors++;
      i++;
    } else if (key === 'physical id') {
      physid = val;
      if (!sockets.has(physid)) sockets.set(physid, 1);
    } else if (key === 'core id') {
      coreid = val;
      // Ansible looks the core up among the sockets here; kept, as it decides the counts.
      if (!sockets.has(coreid)) cores.set(coreid, 1);
    } else if (key === 'cpu cores') {
      sockets.set(physid, toInt(val) ?? 0);
    } else if (key === 'siblings') {
      cores.set(coreid, toInt(val) ?? 0);
    } else if (key === '# processors') {
      declaredCores = toInt(val);
    } else if (key === 'ncpus active') {
      i = toInt(val) ?? i;
    }
  }
  if (vendorIds > 0 && vendorIds === modelNames) i = vendorIds;
  if (/^(armv|aarch|ppc)/.test(architecture)) i = processors;
  const facts: Record<string, unknown> = { processor };
  if (declaredCores !== undefined) facts.processor_cores = declaredCores;
  if (architecture === 's390x') return facts;
  if (records.has('xen_paravirt')) {
    return { ...facts, processor_count: i, processor_cores: i, processor_threads_per_core: 1, processor_vcpus: i, processor_nproc: nproc(records, processors) };
  }
  const count = sockets.size > 0 ? sockets.size : i;
  const firstSocket = [...sockets.values()][0];
  const coresPerSocket = firstSocket ? firstSocket : 1;
  const firstCore = [...cores.values()][0];
  const threads = Math.floor((firstCore ?? 1) / coresPerSocket);
  return {
    ...facts,
    processor_count: count,
    processor_cores: coresPerSocket,
    processor_threads_per_core: threads,
    processor_vcpus: threads * count * coresPerSocket,
    processor_nproc: nproc(records, processors),
  };
}

function nproc(records: FactRecords, processors: number): number {
  return toInt(firstRecord(records, 'nproc')) ?? processors;
}
