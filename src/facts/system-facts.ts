import { type FactRecords, firstRecord, keyValueLines, newDict, setHostKey, toInt } from './fact-records.js';

/**
 * The facts about the login session and the host's tooling, shaped as ansible-core 2.14
 * gives them: env, user_*, date_time, python, service_mgr, pkg_mgr, selinux, apparmor.
 */

/** The login shell's environment: the script's `NAME=value` lines, `%25`/`%0A`/`%0D` decoded. */
export function envFact(records: FactRecords): Record<string, unknown> {
  const env = newDict();
  const decode = (s: string): string => s.replace(/%(25|0A|0D)/g, (_, code: string) => (code === '25' ? '%' : code === '0A' ? '\n' : '\r'));
  for (const line of (firstRecord(records, 'env') ?? '').split('\n')) {
    const at = line.indexOf('=');
    if (at <= 0) continue;
    setHostKey(env, decode(line.slice(0, at)), decode(line.slice(at + 1)));
  }
  return env;
}

/** user_id (as Python's getpass.getuser), the passwd entry's user_uid/gid/gecos/dir/shell, and the process ids. */
export function userFacts(records: FactRecords, env: Record<string, unknown>): Record<string, unknown> {
  const facts: Record<string, unknown> = {};
  const [name, , uid, gid, gecos, dir, shell] = (firstRecord(records, 'passwd') ?? '').split('\n')[0].split(':');
  const fromEnv = ['LOGNAME', 'USER', 'LNAME', 'USERNAME'].map((k) => env[k]).find((v) => typeof v === 'string' && v !== '');
  const userId = (fromEnv as string | undefined) ?? name;
  if (userId) facts.user_id = userId;
  if (toInt(uid) !== undefined) {
    Object.assign(facts, { user_uid: toInt(uid), user_gid: toInt(gid), user_gecos: gecos ?? '', user_dir: dir ?? '', user_shell: shell ?? '' });
  }
  // `id` prints uid= and gid=, and euid=/egid= only when they differ.
  const id = firstRecord(records, 'id') ?? '';
  const num = (key: string): number | undefined => toInt(new RegExp(`(?:^|\\s)${key}=(\\d+)`).exec(id)?.[1]);
  const realUid = num('uid');
  const realGid = num('gid');
  if (realUid !== undefined) Object.assign(facts, { real_user_id: realUid, effective_user_id: num('euid') ?? realUid });
  // Ansible reports the real group id as both (os.getgid twice).
  if (realGid !== undefined) Object.assign(facts, { real_group_id: realGid, effective_group_id: realGid });
  return facts;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Ansible's date_time dict from the script's one `date` call (local fields, %s, %z, %Z, %N). */
export function dateTimeFact(records: FactRecords): Record<string, string> | undefined {
  const lines = (firstRecord(records, 'date') ?? '').split('\n');
  if (lines.length < 12) return undefined;
  const [year, month, day, hour, minute, second, weekday, weekdayNumber, weeknumber, epochText, tzOffset, tz, nanos = ''] = lines.map((l) => l.trim());
  if (![year, month, day, hour, minute, second].every((f) => /^\d+$/.test(f))) return undefined;
  let epoch = toInt(epochText);
  if (epoch === undefined) {
    // A date without %s: the local fields less the offset.
    const m = /^([+-])(\d\d)(\d\d)$/.exec(tzOffset);
    const offset = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60) : 0;
    epoch = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)) / 1000 - offset;
  }
  const micro = /^\d{9}$/.test(nanos) ? nanos.slice(0, 6) : '000000';
  const utc = new Date(epoch * 1000);
  const utcText = `${utc.getUTCFullYear()}-${pad(utc.getUTCMonth() + 1)}-${pad(utc.getUTCDate())}T${pad(utc.getUTCHours())}:${pad(utc.getUTCMinutes())}:${pad(utc.getUTCSeconds())}`;
  const basic = `${year}${month}${day}T${hour}${minute}${second}`;
  return {
    year,
    month,
    weekday,
    weekday_number: weekdayNumber,
    weeknumber,
    day,
    hour,
    minute,
    second,
    epoch: String(epoch),
    epoch_int: String(epoch),
    date: `${year}-${month}-${day}`,
    time: `${hour}:${minute}:${second}`,
    iso8601_micro: `${utcText}.${micro}Z`,
    iso8601: `${utcText}Z`,
    iso8601_basic: basic + micro,
    iso8601_basic_short: basic,
    tz,
    // Python's time.tzname[1], the zone's summer name, is not something `date` prints;
    // the zone's current name stands in (right for zones without summer time, like UTC).
    tz_dst: tz,
    tz_offset: tzOffset,
  };
}

/** python (executable, version, version_info, type, has_sslcontext) and python_version, when the host has a python. */
export function pythonFacts(records: FactRecords): Record<string, unknown> {
  const lines = (firstRecord(records, 'python') ?? '').split('\n');
  const [executable, major, minor, micro, releaselevel, serial, version, type, ssl] = lines;
  const numbers = [major, minor, micro, serial].map(toInt);
  if (lines.length < 9 || numbers.some((n) => n === undefined)) return {};
  const [ma, mi, mc, se] = numbers as number[];
  return {
    python: {
      version: { major: ma, minor: mi, micro: mc, releaselevel, serial: se },
      version_info: [ma, mi, mc, releaselevel, se],
      executable,
      has_sslcontext: ssl === 'True',
      type: type === 'None' ? null : type,
    },
    python_version: version,
  };
}

const PROC1_NAMES: Readonly<Record<string, string>> = { procd: 'openwrt_init', 'runit-init': 'runit', svscan: 'svc', 'openrc-init': 'openrc' };

/** service_mgr: PID 1's name when it says something, else what the host has installed. */
export function serviceMgrFact(records: FactRecords): string {
  const s = keyValueLines(firstRecord(records, 'service') ?? '');
  let proc1: string | undefined = s.get('proc1') || undefined;
  if (proc1 === undefined && s.has('sbin_init')) proc1 = s.get('sbin_init');
  if (proc1 !== undefined) proc1 = (proc1.split('/').pop() ?? '').trim();
  if (proc1 === 'init' || proc1?.endsWith('sh')) proc1 = undefined;
  if (proc1) return Object.hasOwn(PROC1_NAMES, proc1) ? PROC1_NAMES[proc1] : proc1;
  if (s.has('systemctl') && s.has('systemd_canary')) return 'systemd';
  if (s.has('upstart')) return 'upstart';
  if (s.has('openrc')) return 'openrc';
  if (s.has('systemctl') && (s.get('sbin_init') ?? '').split('/').pop() === 'systemd') return 'systemd';
  if (s.has('initd')) return 'sysvinit';
  return 'service';
}

const PKG_PATHS: Readonly<Record<string, string>> = {
  '/usr/bin/rpm-ostree': 'atomic_container',
  '/usr/bin/yum': 'yum',
  '/usr/bin/dnf': 'dnf',
  '/usr/bin/apt-get': 'apt',
  '/usr/bin/zypper': 'zypper',
  '/usr/sbin/urpmi': 'urpmi',
  '/usr/bin/pacman': 'pacman',
  '/bin/opkg': 'opkg',
  '/sbin/apk': 'apk',
  '/usr/bin/emerge': 'portage',
  '/usr/bin/xbps-install': 'xbps',
  '/usr/bin/swupd': 'swupd',
  '/usr/sbin/sorcery': 'sorcery',
};

/**
 * pkg_mgr: the last of Ansible's list the host has, then the family's own default (a Debian
 * host is `apt`; a Red Hat one `dnf` from version 8, `yum` before). The apt-rpm check is left
 * out (Ansible asks rpm whether it owns apt-get; ALT Linux is its only user).
 */
export function pkgMgrFact(records: FactRecords, dist: Record<string, unknown>): string {
  const present = new Set((firstRecord(records, 'pkg') ?? '').split('\n').filter(Boolean));
  let name = 'unknown';
  for (const [path, mgr] of Object.entries(PKG_PATHS)) if (present.has(path)) name = mgr;
  const has = (mgr: string): boolean => Object.entries(PKG_PATHS).some(([path, m]) => m === mgr && present.has(path));
  const major = Number.parseInt(String(dist.distribution_major_version), 10);
  if (dist.os_family === 'RedHat') {
    if (present.has('/run/ostree-booted')) return 'atomic_container';
    const threshold = dist.distribution === 'Fedora' ? 23 : dist.distribution === 'Amazon' ? 2022 : undefined;
    if (threshold === undefined) return Number.isNaN(major) || major >= 8 ? 'dnf' : 'yum';
    if (Number.isNaN(major)) return 'dnf';
    if (major < threshold) return has('yum') ? 'yum' : name;
    return has('dnf') ? 'dnf' : name;
  }
  if (dist.os_family === 'Debian') return 'apt';
  if (dist.os_family === 'Altlinux' && name === 'apt') return 'apt_rpm';
  return name;
}

/** selinux: the mode from /sys/fs/selinux/enforce when SELinux is on, else disabled. */
export function selinuxFact(records: FactRecords): Record<string, string> {
  const enforce = firstRecord(records, 'selinux')?.trim();
  if (enforce === undefined) return { status: 'disabled' };
  return { status: 'enabled', mode: enforce === '1' ? 'enforcing' : enforce === '0' ? 'permissive' : 'unknown' };
}
