import { quoteArg } from '../shell/quote.js';
import { ModuleArgs, paramNames } from './module-args.js';
import type { FactResults, ModuleDefinition, Plan } from './module.js';
import { statParams } from './params/stat.js';
import { failPlan, planOrFail } from './plans.js';

export type ChecksumAlgorithm = 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

/** Parameters of `stat` (get_mime and get_attributes are accepted and ignored). */
export type StatParams = {
  readonly path: string;
  readonly follow: boolean;
  readonly getChecksum: boolean;
  readonly checksumAlgorithm: ChecksumAlgorithm;
  readonly getMd5: boolean;
};

const ALGORITHMS: readonly ChecksumAlgorithm[] = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];

export function normaliseStat(raw: Readonly<Record<string, unknown>>): StatParams {
  const args = new ModuleArgs('stat', raw, paramNames(statParams), {
    dest: 'path',
    name: 'path',
    checksum: 'checksum_algorithm',
    checksum_algo: 'checksum_algorithm',
    mime: 'get_mime',
    mime_type: 'get_mime',
    'mime-type': 'get_mime',
    attr: 'get_attributes',
    attributes: 'get_attributes',
  });
  args.bool('get_mime', true);
  args.bool('get_attributes', true);
  return {
    path: args.requiredString('path'),
    follow: args.bool('follow', false),
    getChecksum: args.bool('get_checksum', true),
    checksumAlgorithm: args.oneOf('checksum_algorithm', ALGORITHMS, 'sha1'),
    getMd5: args.bool('get_md5', false),
  };
}

const MARK = 'tpx-stat-v1';
/** GNU stat: raw mode (hex), ids, size, inode, device, links, times with nanoseconds, blocks, I/O block, rdev major/minor (hex). */
const FORMAT = '%f %u %g %s %i %d %h %.9X %.9Y %.9Z %b %o %t %T';

/**
 * One read-only command. It prints a marker line, then either `absent`, or `error` and
 * stat's message, or the numbers line, the owner and group names (one line each), the
 * `rwx` access flags of the user running it, the checksums, then the link's target and
 * the path it resolves to, NUL-terminated. Host output is only ever parsed, never run.
 */
export function statFactCommand(p: StatParams): string {
  const L = p.follow ? '-L ' : '';
  const sums = [...(p.getChecksum ? [`${p.checksumAlgorithm}sum`] : []), ...(p.getMd5 ? ['md5sum'] : [])];
  const checksum = sums.length
    ? `if [ -f "$p" ] && [ -r "$p" ]${p.follow ? '' : ' && [ ! -L "$p" ]'}; then ${sums.map((s) => `${s} < "$p" | cut -d' ' -f1`).join('; ')}; fi`
    : ':';
  return [
    `p=${quoteArg(p.path)}`,
    `echo ${MARK}`,
    `if ! s=$(LC_ALL=C stat ${L}-c '${FORMAT}' -- "$p" 2>&1); then case "$s" in *'No such file or directory') echo absent;; *) echo error; printf '%s\\n' "$s";; esac; exit 0; fi`,
    'echo present',
    `printf '%s\\n' "$s"`,
    `LC_ALL=C stat ${L}-c '%U' -- "$p"`,
    `LC_ALL=C stat ${L}-c '%G' -- "$p"`,
    'f=; [ -r "$p" ] && f=r; [ -w "$p" ] && f=${f}w; [ -x "$p" ] && f=${f}x; echo "f$f"',
    `echo sums`,
    checksum,
    `echo links`,
    `if [ -L "$p" ] && [ -z '${L}' ]; then readlink -z -- "$p"; realpath -mz -- "$p"; fi`,
  ].join('; ');
}

/** Python's os.stat float times: seconds plus nanoseconds, as one double. */
function floatTime(text: string): number {
  const [s, ns = '0'] = text.split('.');
  return Number(s) + Number(ns.padEnd(9, '0')) * 1e-9;
}

/** Linux makedev of major and minor numbers. */
function makedev(major: number, minor: number): number {
  return (minor & 0xff) + (major & 0xfff) * 0x100 + Math.floor(minor / 0x100) * 0x100000 + Math.floor(major / 0x1000) * 0x100000000;
}

/** The registered `stat` from the fact's output, Ansible's names and types. */
export function parseStat(p: StatParams, stdout: string): Record<string, unknown> {
  const at = stdout.indexOf(`${MARK}\n`);
  if (at < 0) throw new Error('could not read the path: no answer from stat');
  const rest = stdout.slice(at + MARK.length + 1);
  const linksAt = rest.indexOf('\nlinks\n');
  const head = (linksAt < 0 ? rest : rest.slice(0, linksAt)).split('\n');
  if (head[0] === 'absent') return { exists: false };
  if (head[0] === 'error')
    throw new Error(
      head
        .slice(1)
        .join('\n')
        .replace(/^[\s\S]*: /, '')
        .trim() || 'stat failed',
    );
  if (head[0] !== 'present' || linksAt < 0) throw new Error('could not read the path: stat answered in an unknown way');
  const f = head[1].split(' ');
  if (f.length !== 14) throw new Error(`could not read the path: unexpected stat output ${JSON.stringify(head[1])}`);
  const raw = parseInt(f[0], 16);
  const type = raw & 0o170000;
  const perm = raw & 0o7777;
  const bit = (b: number): boolean => (raw & b) !== 0;
  const isLink = type === 0o120000;
  const out: Record<string, unknown> = {
    exists: true,
    path: p.path,
    mode: perm.toString(8).padStart(4, '0'),
    isdir: type === 0o040000,
    ischr: type === 0o020000,
    isblk: type === 0o060000,
    isreg: type === 0o100000,
    isfifo: type === 0o010000,
    islnk: isLink,
    issock: type === 0o140000,
    uid: Number(f[1]),
    gid: Number(f[2]),
    size: Number(f[3]),
    inode: Number(f[4]),
    dev: Number(f[5]),
    nlink: Number(f[6]),
    atime: floatTime(f[7]),
    mtime: floatTime(f[8]),
    ctime: floatTime(f[9]),
    wusr: bit(0o200),
    rusr: bit(0o400),
    xusr: bit(0o100),
    wgrp: bit(0o020),
    rgrp: bit(0o040),
    xgrp: bit(0o010),
    woth: bit(0o002),
    roth: bit(0o004),
    xoth: bit(0o001),
    isuid: bit(0o4000),
    isgid: bit(0o2000),
    blocks: Number(f[10]),
    block_size: Number(f[11]),
    device_type: makedev(parseInt(f[12], 16), parseInt(f[13], 16)),
  };
  const flags = head[4] ?? '';
  out.readable = flags.includes('r');
  out.writeable = flags.includes('w');
  out.executable = flags.includes('x');
  // Names come from the host's user database; stat says UNKNOWN for an id without a name, where Ansible leaves them out.
  if (head[2] && head[2] !== 'UNKNOWN') out.pw_name = head[2];
  if (head[3] && head[3] !== 'UNKNOWN') out.gr_name = head[3];
  const sums = head.slice(head.indexOf('sums') + 1).filter((l) => l !== '');
  if (out.isreg && out.readable) {
    if (p.getChecksum) out.checksum = sums.shift();
    if (p.getMd5) out.md5 = sums.shift();
  }
  if (isLink) {
    const [target, source] = rest.slice(linksAt + '\nlinks\n'.length).split('\0');
    out.lnk_source = source;
    out.lnk_target = target;
  }
  return out;
}

function planStat(p: StatParams, facts: FactResults): Plan {
  const fact = facts.stat;
  if (fact.rc !== 0) return failPlan(`could not read ${p.path}: ${fact.stderr.trim() || `exit code ${fact.rc}`}`);
  return { changed: false, actions: [], returns: { stat: parseStat(p, fact.stdout) } };
}

/** `stat`: what a path is, registered as Ansible's `stat`; one read-only command, never changed. */
export const statModule: ModuleDefinition<StatParams> = {
  name: 'stat',
  params: statParams,
  normalise: normaliseStat,
  facts: (p, ctx) => [{ key: 'stat', command: statFactCommand(p), become: ctx.become }],
  plan: (p, facts) => planOrFail(() => planStat(p, facts)),
};
