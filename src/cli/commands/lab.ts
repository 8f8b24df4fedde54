import { dirname, join } from 'node:path';
import { UsageError } from '../../errors/tpx-error.js';
import { parseFaultSpec, type FaultSpec } from '../../lab/fault-spec.js';
import { setLabFault } from '../../lab/faults.js';
import { hostExec } from '../../lab/host-namespace.js';
import { INSTALL_FAULT_FILE } from '../../lab/kumactl/lab-fault.js';
import { readLabState } from '../../lab/state.js';
import { quoteArg } from '../../shell/quote.js';
import { labDown } from '../../lab/lab-down.js';
import { labStatus } from '../../lab/lab-status.js';
import { labUp } from '../../lab/lab-up.js';

/** `tpx lab up`: builds the fleet and prints where its inventory is. */
export async function labUpCommand(options: Record<string, unknown>): Promise<number> {
  const hosts = Number(options.hosts ?? 6);
  if (!Number.isInteger(hosts) || hosts < 1) throw new UsageError(`--hosts: expected a whole number, got "${String(options.hosts)}"`);
  const versions = typeof options.versions === 'string' ? options.versions.split(',').filter(Boolean) : undefined;
  const packages = typeof options.packages === 'string' ? options.packages.split(',').filter(Boolean) : undefined;
  const state = await labUp({
    dir: String(options.dir),
    hosts,
    versions,
    packages,
    kumactl: typeof options.kumactl === 'string' ? options.kumactl : undefined,
    force: options.force === true,
    basePort: options.basePort === undefined ? undefined : Number(options.basePort),
    log: (line) => process.stderr.write(`tpx lab: ${line}\n`),
  });
  process.stdout.write(
    [
      `lab ${state.labId}: ${state.hosts.length} hosts, ports ${state.hosts[0].port}…${state.hosts[state.hosts.length - 1].port} on 127.0.0.1`,
      `inventory: ${state.inventoryFile}`,
      `try: ssh -i ${state.identityFile} -o UserKnownHostsFile=${state.knownHostsFile} -p ${state.hosts[0].port} ${state.user}@127.0.0.1 sudo -n iptables-save`,
      `remove: tpx lab down --dir ${state.dir}`,
      '',
    ].join('\n'),
  );
  return 0;
}

/** `tpx lab down`: removes everything the lab made; fine when there is no lab. */
export async function labDownCommand(options: Record<string, unknown>): Promise<number> {
  const dir = String(options.dir);
  const result = await labDown(dir);
  process.stdout.write(result.found ? `lab in ${dir} removed (${result.namespaces} namespaces, ${result.processes} processes)\n` : `no lab in ${dir}\n`);
  // Files someone saved in the lab dir (a report) went with it: say so.
  if (result.others.length > 0) process.stdout.write(`also removed, not made by the lab: ${result.others.map((n) => join(dir, n)).join(', ')}\n`);
  return 0;
}

/** `tpx lab status`: hosts, ports, seeds and whether each answers. Exit 1 when a host does not. */
export async function labStatusCommand(options: Record<string, unknown>): Promise<number> {
  const dir = String(options.dir);
  const status = await labStatus(dir);
  if (!status) {
    process.stdout.write(`no lab in ${dir}\n`);
    return 1;
  }
  const { state, hosts, bridgeAlive } = status;
  const rows = [
    ['HOST', 'PORT', 'SEED', 'IPV4', 'IPV6', 'SSH'],
    ...hosts.map((h) => [h.name, String(h.port), h.seed, h.ipv4, h.ipv6, h.reachable ? 'up' : 'DOWN']),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  process.stdout.write(
    `lab ${state.labId} in ${state.dir} (${state.phase}); bridge ${bridgeAlive ? `pid ${state.bridgePid}` : 'NOT RUNNING'}; inventory ${state.inventoryFile}\n`,
  );
  for (const r of rows)
    process.stdout.write(
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd() + '\n',
    );
  return hosts.every((h) => h.reachable) ? 0 : 1;
}

/** `tpx lab fault HOST KIND [N]`: makes one lab host misbehave (or behave again), for rehearsals. */
export async function labFaultCommand(host: string, kind: string, arg: string | undefined, options: Record<string, unknown>): Promise<number> {
  const dir = String(options.dir);
  let spec: FaultSpec;
  try {
    spec = parseFaultSpec(kind, arg, options.persist === true);
  } catch (error) {
    throw new UsageError(`lab fault: ${(error as Error).message}`);
  }
  const state = await readLabState(dir);
  if (!state) throw new UsageError(`lab fault: no lab in ${dir} (tpx lab up --dir ${dir})`);
  if (!state.hosts.some((h) => h.name === host)) {
    throw new UsageError(`lab fault: no host ${host} in the lab in ${dir}; its hosts: ${state.hosts.map((h) => h.name).join(', ')}`);
  }
  if (spec.target === 'connection') await setLabFault(dir, host, spec.fault);
  else {
    const file = INSTALL_FAULT_FILE;
    const command = spec.line === null ? `rm -f ${file}` : `mkdir -p ${dirname(file)} && printf '%s\\n' ${quoteArg(spec.line)} > ${file}`;
    const result = await hostExec(state, host, command, { timeoutMs: 10_000 });
    if (result.code !== 0) throw new Error(`lab fault: could not write ${file} on ${host}: ${result.stderr.trim()}`);
  }
  process.stdout.write(`${host}: ${spec.says}${spec.target === 'connection' && spec.fault !== null ? ` (until: tpx lab fault ${host} clear)` : ''}\n`);
  return 0;
}
