import { type FactRecords, firstRecord, keyValueLines } from './fact-records.js';

/**
 * distribution, distribution_version, distribution_major_version, distribution_release,
 * os_family and lsb, decided as ansible-core 2.14 decides them on Linux: a first guess from
 * /etc/os-release (what its bundled `distro` reads), then the first release file of its list
 * that names the distribution more precisely. Only the files of the common families are
 * read (Debian, Red Hat, Alpine, Arch, SUSE, Amazon); others keep the os-release guess.
 */

/** Ansible's families, by distribution name. */
const FAMILIES: Readonly<Record<string, readonly string[]>> = {
  RedHat: [
    'RedHat',
    'RHEL',
    'Fedora',
    'CentOS',
    'Scientific',
    'SLC',
    'Ascendos',
    'CloudLinux',
    'PSBM',
    'OracleLinux',
    'OVS',
    'OEL',
    'Amazon',
    'Virtuozzo',
    'XenServer',
    'Alibaba',
    'EulerOS',
    'openEuler',
    'AlmaLinux',
    'Rocky',
    'TencentOS',
    'EuroLinux',
    'Kylin Linux Advanced Server',
  ],
  Debian: [
    'Debian',
    'Ubuntu',
    'Raspbian',
    'Neon',
    'KDE neon',
    'Linux Mint',
    'SteamOS',
    'Devuan',
    'Kali',
    'Cumulus Linux',
    'Pop!_OS',
    'Parrot',
    'Pardus GNU/Linux',
    'Uos',
    'Deepin',
    'OSMC',
  ],
  Suse: ['SuSE', 'SLES', 'SLED', 'openSUSE', 'openSUSE Tumbleweed', 'SLES_SAP', 'SUSE_LINUX', 'openSUSE Leap'],
  Archlinux: ['Archlinux', 'Antergos', 'Manjaro'],
  Mandrake: ['Mandrake', 'Mandriva'],
  Slackware: ['Slackware'],
  Altlinux: ['Altlinux'],
  Gentoo: ['Gentoo', 'Funtoo'],
  Alpine: ['Alpine'],
  ClearLinux: ['Clear Linux OS', 'Clear Linux Mix'],
};

const FAMILY_OF = new Map(Object.entries(FAMILIES).flatMap(([family, names]) => names.map((n) => [n, family] as const)));

/** Ansible's os_family of a distribution name: its family, or the name itself. */
export function osFamily(distribution: string): string {
  return FAMILY_OF.get(distribution) ?? distribution;
}

/** os-release's `KEY=value` lines, values unquoted as a shell would ("…" with \-escapes, '…'). */
export function parseOsRelease(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, raw] of keyValueLines(text)) {
    if (!/^[A-Z0-9_]+$/.test(key)) continue;
    const v = raw.trim();
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) out.set(key, v.slice(1, -1).replace(/\\([\\"$`])/g, '$1'));
    else if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) out.set(key, v.slice(1, -1));
    else out.set(key, v);
  }
  return out;
}

/** Python's str.capitalize: first letter upper case, the rest lower case. */
function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
}

/** Ansible strips these from both ends of a release file before it looks inside (index loops: host text never meets a backtracking regex). */
function stripQuotes(s: string): string {
  const text = s.trim();
  const quote = (ch: string): boolean => ch === "'" || ch === '"' || ch === '\\';
  let start = 0;
  let end = text.length;
  while (start < end && quote(text[start])) start++;
  while (end > start && quote(text[end - 1])) end--;
  return text.slice(start, end);
}

/** The codename in parentheses of a version line: `12 (bookworm)`, `release 7.9.2009 (Core)`. */
function parenthesised(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  // The first "(" followed by at least one character before the next ")" (what /\(([^)]+)\)/ finds), in linear time.
  for (let open = s.indexOf('('); open >= 0; open = s.indexOf('(', open + 1)) {
    const close = s.indexOf(')', open + 1);
    if (close < 0) return undefined;
    if (close > open + 1) return s.slice(open + 1, close).trim();
  }
  return undefined;
}

/** The version number of a release file line: `CentOS Linux release 7.9.2009 (Core)` → 7.9.2009. */
function releaseNumber(s: string | undefined): string | undefined {
  const m = s === undefined ? null : /release\s+(\d+(?:\.\d+)*)/.exec(s);
  return m ? m[1] : undefined;
}

type Dist = Record<string, string | boolean>;

/** The first guess, from os-release as Ansible's bundled `distro` reads it. */
function guess(osr: Map<string, string>, records: FactRecords): Dist {
  const id = (osr.get('ID') ?? '').toLowerCase();
  let name = capitalize(id);
  if (name === 'Amzn') name = 'Amazon';
  else if (name === 'Rhel') name = 'Redhat';
  else if (name === '') name = 'OtherLinux';
  let version = osr.get('VERSION_ID') ?? '';
  const debian = (firstRecord(records, 'debian_version') ?? '').trim();
  if (id === 'debian' && /^\d+(\.\d+)+$/.test(debian) && debian.split('.').length > version.split('.').length) version = debian;
  if (id === 'centos') version = (releaseNumber(firstRecord(records, 'centos_release')) ?? version).split('.').slice(0, 2).join('.');
  const codename =
    osr.get('VERSION_CODENAME') ??
    osr.get('UBUNTU_CODENAME') ??
    parenthesised(osr.get('VERSION')) ??
    parenthesised(firstRecord(records, 'redhat_release') ?? firstRecord(records, 'centos_release'));
  const v = version || 'NA';
  return {
    distribution: name,
    distribution_version: v,
    distribution_release: codename ?? 'NA',
    distribution_major_version: v.split('.')[0] || 'NA',
  };
}

/** What one release file says, or undefined when it does not name this distribution. */
function fromFile(key: string, content: string, osr: Map<string, string>, records: FactRecords): Dist | undefined {
  const data = stripQuotes(content);
  const firstWord = data.split(/\s+/)[0] ?? '';
  switch (key) {
    case 'oracle_release':
      return { distribution: data.includes('Oracle Linux') ? 'OracleLinux' : firstWord };
    case 'centos_release':
      if (data.includes('CentOS Stream')) return { distribution: 'CentOS', distribution_release: 'Stream' };
      if (data.includes('TencentOS Server')) return { distribution: 'TencentOS' };
      return undefined;
    case 'redhat_release':
      return { distribution: data.includes('Red Hat') ? 'RedHat' : firstWord };
    case 'os_release_amazon': {
      if (!data.includes('Amazon')) return undefined;
      const version = osr.get('VERSION_ID');
      if (version === undefined) return { distribution: 'Amazon' };
      const [major, minor] = version.split('.');
      return { distribution: 'Amazon', distribution_version: version, distribution_major_version: major, distribution_minor_version: minor ?? 'NA' };
    }
    case 'system_release':
      if (!data.includes('Amazon')) return undefined;
      return { distribution: 'Amazon', distribution_version: data.split(/\s+/).find((w) => /^\d+$/.test(w)) ?? 'NA' };
    case 'alpine_release':
      return { distribution: 'Alpine', distribution_version: data };
    case 'os_release_arch':
      return data.includes('Arch Linux') ? { distribution: 'Archlinux' } : undefined;
    case 'os_release_suse':
      return data.toLowerCase().includes('suse') ? suse(data, osr) : undefined;
    case 'os_release_debian':
      return debianFamily(data, osr, records);
    default:
      return undefined;
  }
}

function suse(data: string, osr: Map<string, string>): Dist {
  const out: Dist = {};
  const name = osr.get('NAME');
  if (name !== undefined) out.distribution = name;
  const m = /^(\d+)\.?(\d*)/.exec(osr.get('VERSION_ID') ?? '');
  if (m) {
    out.distribution_version = m[2] ? `${m[1]}.${m[2]}` : m[1];
    out.distribution_major_version = m[1];
    const lower = data.toLowerCase();
    if (lower.includes('open')) out.distribution_release = m[2];
    else if (lower.includes('enterprise')) out.distribution_release = m[2] || '0';
  }
  return out;
}

function debianFamily(data: string, osr: Map<string, string>, records: FactRecords): Dist | undefined {
  if (data.includes('Debian') || data.includes('Raspbian')) {
    const out: Dist = { distribution: 'Debian' };
    // On the one PRETTY_NAME line, bounded: the pattern backtracks, and the text is the host's.
    const release = /PRETTY_NAME=[^(]+ \(?([^)]+?)\)/.exec(lineFrom(data, 'PRETTY_NAME='));
    if (release) out.distribution_release = release[1];
    const minor = /(\d+)\.(\d+)/.exec(firstRecord(records, 'debian_version') ?? '');
    if (minor) out.distribution_minor_version = minor[2];
    return out;
  }
  for (const [marker, name] of [
    ['Ubuntu', 'Ubuntu'],
    ['SteamOS', 'SteamOS'],
    ['Kali', 'Kali'],
    ['Parrot', 'Parrot'],
    ['Devuan', 'Devuan'],
    ['Cumulus', 'Cumulus Linux'],
    ['Mint', 'Linux Mint'],
  ] as const) {
    if (!data.includes(marker)) continue;
    const out: Dist = { distribution: name };
    const version = osr.get('VERSION_ID');
    if (version !== undefined && name !== 'Ubuntu' && name !== 'SteamOS') {
      out.distribution_version = version;
      out.distribution_major_version = version.split('.')[0];
    }
    return out;
  }
  return undefined;
}

/** The release files in Ansible's order of precedence (the subset the script reads). */
const FILE_ORDER: readonly (readonly [string, string, string])[] = [
  ['oracle_release', '/etc/oracle-release', 'OracleLinux'],
  ['centos_release', '/etc/centos-release', 'CentOS'],
  ['redhat_release', '/etc/redhat-release', 'RedHat'],
  ['os_release_amazon', '/etc/os-release', 'Amazon'],
  ['system_release', '/etc/system-release', 'Amazon'],
  ['alpine_release', '/etc/alpine-release', 'Alpine'],
  ['arch_release', '/etc/arch-release', 'Archlinux'],
  ['os_release_arch', '/etc/os-release', 'Archlinux'],
  ['os_release_suse', '/etc/os-release', 'SUSE'],
  ['os_release_debian', '/etc/os-release', 'Debian'],
];

/** The distribution facts and os_family of a Linux host. */
export function distributionFacts(records: FactRecords): Record<string, unknown> {
  const osText = firstRecord(records, 'os_release');
  const osr = parseOsRelease(osText ?? '');
  const facts: Dist = guess(osr, records);
  for (const [key, path, variety] of FILE_ORDER) {
    if (key === 'arch_release') {
      if (!records.has('arch_release')) continue;
      Object.assign(facts, { distribution: 'Archlinux', distribution_file_path: path, distribution_file_variety: variety });
      break;
    }
    const content = key.startsWith('os_release_') ? osText : firstRecord(records, key);
    if (content === undefined || content.trim() === '') continue;
    const found = fromFile(key, content, osr, records);
    if (!found) continue;
    Object.assign(facts, { distribution: variety, distribution_file_path: path, distribution_file_variety: variety, distribution_file_parsed: true }, found);
    break;
  }
  if (facts.distribution_file_path === undefined && osText !== undefined && osr.has('NAME')) {
    // Ansible's last resort: os-release's NAME.
    Object.assign(facts, {
      distribution: osr.get('NAME')!,
      distribution_file_path: '/etc/os-release',
      distribution_file_variety: 'NA',
      distribution_file_parsed: true,
    });
  }
  return { ...facts, os_family: osFamily(String(facts.distribution)) };
}

/** Ansible's lsb: from `lsb_release -a` when the host has it, else /etc/lsb-release; {} without either. */
export function lsbFacts(records: FactRecords): Record<string, string> {
  const lsb: Record<string, string> = {};
  const command = firstRecord(records, 'lsb_release_cmd');
  const names: Record<string, string> = command
    ? { 'LSB Version': 'release', 'Distributor ID': 'id', Description: 'description', Release: 'release', Codename: 'codename' }
    : { DISTRIB_ID: 'id', DISTRIB_RELEASE: 'release', DISTRIB_DESCRIPTION: 'description', DISTRIB_CODENAME: 'codename' };
  const lines = command ? keyValueLines(command, ':') : keyValueLines(firstRecord(records, 'lsb_release_file') ?? '');
  for (const [key, value] of lines) {
    const name = names[key];
    if (name !== undefined && Object.hasOwn(names, key)) lsb[name] = value.trim();
  }
  if (lsb.release !== undefined) lsb.major_release = lsb.release.split('.')[0];
  for (const k of Object.keys(lsb)) if (lsb[k]) lsb[k] = stripQuotes(lsb[k]);
  return lsb;
}

/** The line of `text` that starts at the first `marker`, at most 4 KiB of it ('' when there is none). */
function lineFrom(text: string, marker: string): string {
  const start = text.indexOf(marker);
  if (start < 0) return '';
  const end = text.indexOf('\n', start);
  return text.slice(start, Math.min(end < 0 ? text.length : end, start + 4096));
}
