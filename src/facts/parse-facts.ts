import { distributionFacts, lsbFacts } from './distribution-facts.js';
import { firstRecord, newDict, setHostKey, splitRecords } from './fact-records.js';
import { cpuFacts, memoryFacts } from './hardware-facts.js';
import { networkFacts } from './network-facts.js';
import { dateTimeFact, envFact, pkgMgrFact, pythonFacts, selinuxFact, serviceMgrFact, userFacts } from './system-facts.js';

/**
 * A fact is a command plus a parser: FACTS_SCRIPT (facts-script.ts) is the command, this is
 * the parser. It turns the script's output into the `ansible_facts` dictionary under
 * Ansible's names, without the `ansible_` prefix, with Ansible's types.
 */

/** The facts with fixed names the script can yield; each interface adds one named after it. */
export const FACT_NAMES: ReadonlySet<string> = new Set([
  'all_ipv4_addresses',
  'all_ipv6_addresses',
  'apparmor',
  'architecture',
  'date_time',
  'default_ipv4',
  'default_ipv6',
  'distribution',
  'distribution_file_parsed',
  'distribution_file_path',
  'distribution_file_variety',
  'distribution_major_version',
  'distribution_minor_version',
  'distribution_release',
  'distribution_version',
  'domain',
  'effective_group_id',
  'effective_user_id',
  'env',
  'fqdn',
  'hostname',
  'interfaces',
  'kernel',
  'kernel_version',
  'lsb',
  'machine',
  'machine_id',
  'memfree_mb',
  'memory_mb',
  'memtotal_mb',
  'nodename',
  'os_family',
  'pkg_mgr',
  'processor',
  'processor_cores',
  'processor_count',
  'processor_nproc',
  'processor_threads_per_core',
  'processor_vcpus',
  'python',
  'python_version',
  'real_group_id',
  'real_user_id',
  'selinux',
  'service_mgr',
  'swapfree_mb',
  'swaptotal_mb',
  'system',
  'user_dir',
  'user_gecos',
  'user_gid',
  'user_id',
  'user_shell',
  'user_uid',
]);

/** One line of a command's output, or '' (uname prints one line; a second would be noise). */
function oneLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0].trim();
}

/** system, kernel, machine, architecture, the host names and machine_id, as Python's platform and socket give them. */
function platformFacts(records: ReturnType<typeof splitRecords>): Record<string, unknown> {
  const nodename = oneLine(firstRecord(records, 'uname_n'));
  const machine = oneLine(firstRecord(records, 'uname_m'));
  // socket.getfqdn: the first of the address's names that has a dot, else its canonical name.
  const names = oneLine(firstRecord(records, 'fqdn_names')).split(/\s+/).slice(1).filter(Boolean);
  const fqdn = names.find((n) => n.includes('.')) ?? names[0] ?? nodename;
  const facts: Record<string, unknown> = {
    system: oneLine(firstRecord(records, 'uname_s')),
    kernel: oneLine(firstRecord(records, 'uname_r')),
    kernel_version: oneLine(firstRecord(records, 'uname_v')),
    machine,
    architecture: /i([3456]86|86pc)/.test(machine) ? 'i386' : machine,
    nodename,
    hostname: nodename.split('.')[0],
    fqdn,
    domain: fqdn.split('.').slice(1).join('.'),
  };
  const machineId = oneLine(firstRecord(records, 'machine_id'));
  if (machineId !== '') facts.machine_id = machineId;
  return facts;
}

/**
 * The `ansible_facts` dictionary of FACTS_SCRIPT's output. The output is the host's and is
 * not trusted: it is cut at MAX_FACTS_OUTPUT, read with fixed patterns only, and host-chosen
 * names (environment variables, interfaces) go into prototype-free dictionaries, never as
 * `__proto__`; an interface cannot take the name of another fact. What the host did not
 * report is left out rather than guessed.
 */
export function parseFacts(stdout: string): Record<string, unknown> {
  const records = splitRecords(stdout);
  const env = envFact(records);
  const platform = platformFacts(records);
  const dist = records.has('os_release') || records.has('uname_s') ? distributionFacts(records) : {};
  const network = networkFacts(records);
  const dateTime = dateTimeFact(records);
  const known: Record<string, unknown> = {
    ...platform,
    ...dist,
    ...userFacts(records, env),
    ...memoryFacts(records),
    ...cpuFacts(records, String(platform.architecture)),
    ...pythonFacts(records),
    ...network.facts,
    env,
    lsb: lsbFacts(records),
    service_mgr: serviceMgrFact(records),
    pkg_mgr: pkgMgrFact(records, dist),
    selinux: selinuxFact(records),
    apparmor: { status: records.has('apparmor') ? 'enabled' : 'disabled' },
  };
  if (dateTime) known.date_time = dateTime;
  const facts = newDict();
  for (const [name, value] of Object.entries(network.devices)) if (!FACT_NAMES.has(name)) setHostKey(facts, name, value);
  for (const [name, value] of Object.entries(known)) if (value !== undefined) facts[name] = value;
  return facts;
}

/**
 * The variables Ansible sets from gathered facts: each fact as `ansible_<name>`, and the
 * whole dictionary as `ansible_facts`.
 */
export function injectFacts(facts: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const vars = newDict();
  for (const [name, value] of Object.entries(facts)) {
    // Only names a fact can have: a host's interface named `user` or `port` must not become
    // the connection setting ansible_user/ansible_port (it stays in ansible_facts and `interfaces`).
    if (isKnownFactName(name)) setHostKey(vars, `ansible_${name}`, value);
  }
  vars.ansible_facts = facts;
  return vars;
}

/** Interface names as they appear in facts: letters then a digit somewhere (eth0, enp0s3, br-1a2b, wg0), or `lo`. */
const PLAUSIBLE_INTERFACE = /^(lo|[A-Za-z][A-Za-z0-9_.@-]*[0-9][A-Za-z0-9_.@-]*)$/;

/**
 * Whether `name` (without `ansible_`) can be a gathered fact: one of FACT_NAMES, or an
 * interface's fact. Interface names are the host's, so any name that looks like one is
 * accepted; a misspelt fact (`os_famly`) has no digit and is not.
 */
export function isKnownFactName(name: string): boolean {
  return FACT_NAMES.has(name) || (name.length <= 32 && PLAUSIBLE_INTERFACE.test(name));
}
