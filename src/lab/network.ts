import { runChecked, runProcess } from './run-process.js';
import { NETNS_PREFIX } from './paths.js';

/** Addresses of host `index` (1-based) on the lab network. */
export function hostAddresses(index: number): { ipv4: string; ipv6: string } {
  const n = index + 10;
  return { ipv4: `10.123.${Math.floor(n / 250)}.${(n % 250) + 1}`, ipv6: `fd00:7470::${n.toString(16)}` };
}

/** The lab nameserver address: the switch's bridge (nothing answers DNS there). */
export const LAB_NAMESERVER = '10.123.0.1';

export function hostNetns(labId: string, index: number): string {
  return `${NETNS_PREFIX}${labId}-${index}`;
}

export function switchNetns(labId: string): string {
  return `${NETNS_PREFIX}${labId}-sw`;
}

/**
 * Creates the switch namespace (a bridge `br0`) and one namespace per host with `lo` up and
 * `eth0` on the switch, with an IPv4 /16 and an IPv6 /64 address. Nothing is added to the
 * root namespace: the veth pairs are created directly inside the namespaces.
 */
export async function createNetwork(labId: string, count: number): Promise<void> {
  const sw = switchNetns(labId);
  const root = [`netns add ${sw}`];
  for (let i = 1; i <= count; i++) {
    root.push(`netns add ${hostNetns(labId, i)}`, `link add eth0 netns ${hostNetns(labId, i)} type veth peer name h${i} netns ${sw}`);
  }
  await runChecked('ip', ['-batch', '-'], { input: root.join('\n') + '\n' });
  const swCmds = ['link set lo up', 'link add br0 type bridge', `addr add ${LAB_NAMESERVER}/16 dev br0`, 'link set br0 up'];
  for (let i = 1; i <= count; i++) swCmds.push(`link set h${i} master br0 up`);
  await runChecked('ip', ['-n', sw, '-batch', '-'], { input: swCmds.join('\n') + '\n' });
  const jobs: Promise<string>[] = [];
  for (let i = 1; i <= count; i++) {
    const { ipv4, ipv6 } = hostAddresses(i);
    const cmds = ['link set lo up', 'link set eth0 up', `addr add ${ipv4}/16 dev eth0`, `addr add ${ipv6}/64 dev eth0 nodad`];
    jobs.push(runChecked('ip', ['-n', hostNetns(labId, i), '-batch', '-'], { input: cmds.join('\n') + '\n' }));
  }
  await Promise.all(jobs);
}

/** Names of the namespaces of one lab (or of every lab with `labId` undefined) that exist now. */
export async function listLabNetns(labId?: string): Promise<string[]> {
  const out = await runProcess('ip', ['netns', 'list']);
  const prefix = labId === undefined ? NETNS_PREFIX : `${NETNS_PREFIX}${labId}-`;
  return out.stdout
    .split('\n')
    .map((line) => line.split(' ')[0])
    .filter((name) => name.startsWith(prefix));
}

/** Deletes the namespaces (their interfaces go with them); missing ones are fine. */
export async function deleteNetns(names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  await runProcess('ip', ['-force', '-batch', '-'], { input: names.map((n) => `netns delete ${n}`).join('\n') + '\n' });
}
