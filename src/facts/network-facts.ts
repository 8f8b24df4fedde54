import { type FactRecords, firstRecord, keyValueLines, newDict, setHostKey, toInt } from './fact-records.js';

/**
 * interfaces, one fact per interface, default_ipv4/default_ipv6 and all_ipv4/6_addresses,
 * shaped as ansible-core 2.14 shapes them on Linux: /sys/class/net for each device, `ip -o
 * addr show` for its addresses, `ip route get` towards a public address for the defaults.
 * Without `ip` there are interfaces but no addresses (Ansible then has no network facts).
 */

/** sysfs interface types Ansible names. */
const INTERFACE_TYPE: Readonly<Record<string, string>> = { '1': 'ether', '32': 'infiniband', '512': 'ppp', '772': 'loopback', '65534': 'tunnel' };

/**
 * Interface names the kernel allows are at most 15 bytes without `/` or white space; the
 * rest is refused here so a strange name cannot become a strange fact. Ansible turns an
 * alias label's `:` into `_`.
 */
export const INTERFACE_NAME = /^[A-Za-z0-9_.@-][A-Za-z0-9_.@:-]{0,31}$/;

interface Address4 {
  address: string;
  broadcast: string;
  netmask: string;
  network: string;
  prefix: string;
}

/** An IPv4 dotted quad as a 32-bit unsigned number, or undefined. */
function ipv4ToInt(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) < 256)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function intToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** An `inet` line's words → Ansible's ipv4 dict (netmask and network computed from the prefix). */
function address4(words: readonly string[]): Address4 | undefined {
  const [address, prefix = '32'] = words[1].split('/');
  const bits = Number(prefix);
  const ip = ipv4ToInt(address);
  if (ip === undefined || !/^\d{1,2}$/.test(prefix) || bits > 32) return undefined;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const broadcast = words.length > 3 && words[2] === 'brd' ? words[3] : '';
  return { address, broadcast, netmask: intToIpv4(mask), network: intToIpv4((ip & mask) >>> 0), prefix };
}

/** One line of `ip -o addr show`: device, family words (before the `\`), and whether it is secondary. */
interface AddrLine {
  device: string;
  words: string[];
  secondary: boolean;
}

function parseAddrLines(text: string): AddrLine[] {
  const lines: AddrLine[] = [];
  for (const line of text.split('\n')) {
    const m = /^\d+:\s+(\S+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const device = m[1].replace(/@.*$/, '');
    const words = m[2].split('\\')[0].trim().split(/\s+/);
    if (words[0] !== 'inet' && words[0] !== 'inet6') continue;
    if (words.length < 2) continue;
    lines.push({ device, words, secondary: words.includes('secondary') });
  }
  return lines;
}

/** `ip route get` output → {interface, address, gateway}, as Ansible reads its first line. */
function defaultRoute(text: string | undefined, target: string): Record<string, unknown> {
  const route: Record<string, unknown> = {};
  const words = (text ?? '').split('\n')[0].trim().split(/\s+/);
  if (words[0] !== target) return route;
  for (let i = 0; i < words.length - 1; i++) {
    if (words[i] === 'dev') route.interface = words[i + 1];
    else if (words[i] === 'src') route.address = words[i + 1];
    else if (words[i] === 'via' && words[i + 1] !== target) route.gateway = words[i + 1];
  }
  return route;
}

/** The network facts: those with fixed names, and one per interface (`devices`, by fact name). */
export function networkFacts(records: FactRecords): { facts: Record<string, unknown>; devices: Record<string, unknown> } {
  const interfaces = newDict();
  const hasIp = records.has('ip_addr');
  const addrLines = parseAddrLines(firstRecord(records, 'ip_addr') ?? '');
  const addrDevices = new Set(addrLines.map((l) => l.device));
  const default4 = defaultRoute(firstRecord(records, 'route4'), '8.8.8.8');
  const default6 = defaultRoute(firstRecord(records, 'route6'), '2404:6800:400a:800::1012');
  const all4: string[] = [];
  const all6: string[] = [];

  for (const payload of records.get('iface') ?? []) {
    const sys = keyValueLines(payload);
    const device = (sys.get('path') ?? '').replace(/^\/sys\/class\/net\//, '');
    if (!INTERFACE_NAME.test(device) || device.includes(':') || device === '__proto__') continue;
    const entry: Record<string, unknown> = { device };
    const mac = sys.get('address') ?? '';
    if (mac !== '' && mac !== '00:00:00:00:00:00') entry.macaddress = mac;
    const mtu = toInt(sys.get('mtu'));
    if (mtu !== undefined) entry.mtu = mtu;
    if (sys.has('operstate')) entry.active = sys.get('operstate') !== 'down';
    if (sys.has('type')) entry.type = INTERFACE_TYPE[sys.get('type') ?? ''] ?? 'unknown';
    if (sys.get('bridge') === '1') entry.type = 'bridge';
    if (sys.get('bonding') === '1') entry.type = 'bonding';
    const speed = toInt(sys.get('speed'));
    if (speed !== undefined) entry.speed = speed;
    const flags = /^0x([0-9a-f]{1,8})$/i.exec(sys.get('flags') ?? '');
    if (flags) entry.promisc = (Number.parseInt(flags[1], 16) & 0x100) > 0;
    setHostKey(interfaces, device, entry);

    const mine = addrLines.filter((l) => l.device === device);
    // Ansible asks for the primary addresses first, then the secondary ones.
    for (const line of [...mine.filter((l) => !l.secondary), ...mine.filter((l) => l.secondary)]) {
      if (line.words[0] === 'inet') {
        const a = address4(line.words);
        if (!a) continue;
        const label = line.words[line.words.length - 1];
        // An alias label gets its own entry, never another interface's (nor a prototype key).
        const alias = label !== device && label !== '__proto__' && !addrDevices.has(label) && INTERFACE_NAME.test(label);
        const target = alias ? label : device;
        if (alias && !Object.hasOwn(interfaces, target)) setHostKey(interfaces, target, {});
        const holder = interfaces[target] as Record<string, unknown>;
        if (!line.secondary && holder.ipv4 === undefined) holder.ipv4 = a;
        else ((holder.ipv4_secondaries ??= []) as Address4[]).push(a);
        if (line.secondary && target !== device) ((entry.ipv4_secondaries ??= []) as Address4[]).push(a);
        if (default4.address === a.address) {
          Object.assign(default4, { broadcast: a.broadcast, netmask: a.netmask, network: a.network, prefix: a.prefix, macaddress: mac });
          Object.assign(default4, { mtu: entry.mtu, type: entry.type ?? 'unknown', alias: label });
        }
        if (!a.address.startsWith('127.')) all4.push(a.address);
      } else {
        const peer = line.words[2] === 'peer';
        const address = peer ? line.words[1] : line.words[1].split('/')[0];
        const prefix = (peer ? line.words[3] : line.words[1]).split('/')[1] ?? '';
        const scope = line.words[peer ? 5 : 3] ?? '';
        ((entry.ipv6 ??= []) as unknown[]).push({ address, prefix, scope });
        if (default6.address === address) Object.assign(default6, { prefix, scope, macaddress: mac, mtu: entry.mtu, type: entry.type ?? 'unknown' });
        if (address !== '::1') all6.push(address);
      }
    }
  }

  const devices = newDict();
  for (const [name, value] of Object.entries(interfaces)) setHostKey(devices, name.replaceAll(':', '_'), value);
  const facts: Record<string, unknown> = { interfaces: Object.keys(devices) };
  if (hasIp) Object.assign(facts, { default_ipv4: default4, default_ipv6: default6, all_ipv4_addresses: all4, all_ipv6_addresses: all6 });
  return { facts, devices };
}
