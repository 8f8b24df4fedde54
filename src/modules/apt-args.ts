import { ModuleArgs, paramNames } from './module-args.js';
import { aptParams } from './params/apt.js';

/** The states tpx's apt acts on (Ansible's apt also has build-dep and fixed). */
export type AptState = 'present' | 'latest' | 'absent';

/** Parameters of `apt`, read once at the entry. */
export interface AptParams {
  /** Package specs as given (`foo`, `foo=1.0`, `foo>=1.0`), stripped; Ansible's `*` dropped. */
  readonly names: readonly string[];
  readonly state: AptState;
  /** Unset (null) is not false: Ansible updates when cache_valid_time is set even then. */
  readonly updateCache: boolean | null;
  readonly cacheValidTime: number;
  readonly updateCacheRetries: number;
  readonly updateCacheRetryMaxDelay: number;
  readonly purge: boolean;
  readonly deb: string | null;
  readonly installRecommends: boolean | null;
  readonly force: boolean;
  readonly allowDowngrade: boolean;
  readonly allowUnauthenticated: boolean;
  readonly allowChangeHeldPackages: boolean;
  readonly autoremove: boolean;
  readonly failOnAutoremove: boolean;
  readonly onlyUpgrade: boolean;
  readonly dpkgOptions: string;
  /** Upgrade every package: apt-get upgrade --with-new-pkgs (yes, safe) or dist-upgrade (dist, full). */
  readonly upgrade: UpgradeMode | null;
  readonly forceAptGet: boolean;
}

export type UpgradeMode = 'yes' | 'safe' | 'dist' | 'full';

export const DEFAULT_DPKG_OPTIONS = 'force-confdef,force-confold';

const ALIASES: Readonly<Record<string, string>> = {
  name: 'package',
  pkg: 'package',
  'update-cache': 'update_cache',
  'install-recommends': 'install_recommends',
  'allow-downgrade': 'allow_downgrade',
  allow_downgrades: 'allow_downgrade',
  'allow-downgrades': 'allow_downgrade',
  'allow-unauthenticated': 'allow_unauthenticated',
  'default-release': 'default_release',
};

const NOT_YET: Readonly<Record<string, string>> = {
  default_release: '',
  autoclean: '',
  clean: '',
  policy_rc_d: '',
  lock_timeout: ' (tpx fails at once when another apt or dpkg holds the lock)',
};

/** A Debian package name (an architecture after `:` allowed); never starting with `-`, so never an option. */
const PACKAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9+._-]*(?::[A-Za-z0-9_-]+)?$/;
/** A version or a version glob after `=` / `>=` (another `=` is Ansible's own failure, on the host). */
const VERSION = /^[A-Za-z0-9.+~:_*?[\]!=-]+$/;
const GLOB = /[*?[\]!]/;

/** Reads the states Ansible 2.14's apt knows, naming the ones tpx does not act on. */
function readState(args: ModuleArgs): AptState {
  const state = args.string('state') ?? 'present';
  if (state === 'build-dep' || state === 'fixed') throw args.error(`state '${state}' is not supported yet (present, latest and absent are)`, 'state');
  if (state === 'present' || state === 'latest' || state === 'absent') return state;
  const hint = state === 'installed' ? ' (Ansible 2.14\'s apt has no "installed": write present)' : state === 'removed' ? ' (write absent)' : '';
  throw args.error(`value of state must be one of: absent, build-dep, fixed, latest, present, got: ${state}${hint}`, 'state');
}

/** A string list as Ansible's `type: list` reads it: a string is split on commas. */
function readNames(args: ModuleArgs): string[] | undefined {
  const raw = args.raw('package');
  if (raw === undefined) return undefined;
  const list = typeof raw === 'string' ? raw.split(',') : (args.stringList('package') ?? []);
  return list.map((n) => n.trim());
}

function checkSpec(args: ModuleArgs, spec: string): void {
  // Ansible's `*`: with latest, upgrade every package; otherwise left out.
  if (spec === '*') return;
  const m = /^([^=>]*)(>?=)?(.*)$/s.exec(spec) ?? ['', spec, undefined, ''];
  const [, name, cmp, version] = m;
  if (GLOB.test(name)) throw args.error(`package name patterns like '${name}' are not supported yet; name the packages`, 'package');
  if (!PACKAGE_NAME.test(name)) {
    throw args.error(`'${spec}' is not a package name (letters, digits and + . _ -, not starting with - or .; a version after =)`, 'package');
  }
  // `foo>1.0`: no comparator (only = and >= are), so the rest is not a version either.
  if (cmp === undefined && version !== '') {
    throw args.error(`'${spec}' is not a package spec (a name, then =VERSION or >=VERSION; > alone is not a comparator)`, 'package');
  }
  if (cmp !== undefined && !VERSION.test(version)) throw args.error(`'${spec}': '${version}' is not a version`, 'package');
}

function readDeb(args: ModuleArgs): string | null {
  const deb = args.string('deb');
  if (deb === undefined) return null;
  for (const path of deb.split(',')) {
    if (path.includes('://')) throw args.error(`deb '${path}': a URL is not supported yet; copy or get_url the file to the host first`, 'deb');
    if (!path.startsWith('/') || path.includes('\0')) throw args.error(`deb '${path}' must be an absolute path on the host`, 'deb');
  }
  return deb;
}

/** `upgrade` as Ansible reads it: a YAML boolean is taken back to yes or no. */
function readUpgrade(args: ModuleArgs): UpgradeMode | null {
  const raw = args.raw('upgrade');
  if (raw === undefined) return null;
  const value = typeof raw === 'boolean' ? (raw ? 'yes' : 'no') : String(raw);
  if (value === 'no') return null;
  if (value === 'yes' || value === 'safe' || value === 'dist' || value === 'full') return value;
  throw args.error(`value of upgrade must be one of: dist, full, no, safe, yes, got: ${value}`, 'upgrade');
}

/** Normalises `apt`'s parameters as Ansible's argument spec reads them; unsupported ones are named. */
export function normaliseApt(raw: Readonly<Record<string, unknown>>, module = 'apt'): AptParams {
  const args = new ModuleArgs(
    module,
    raw,
    paramNames(aptParams).filter((k) => !(k in ALIASES)),
    ALIASES,
  );
  for (const [name, why] of Object.entries(NOT_YET)) if (args.has(name)) throw args.error(`'${name}' is not supported yet${why}`, name);
  const state = readState(args);
  const names = readNames(args);
  const deb = readDeb(args);
  if (args.has('upgrade') && (names !== undefined || deb !== null)) throw args.error('parameters are mutually exclusive: deb|package|upgrade');
  if (names !== undefined && deb !== null) throw args.error('parameters are mutually exclusive: deb|package|upgrade');
  const upgrade = readUpgrade(args);
  for (const spec of names ?? []) checkSpec(args, spec);
  const dpkgOptions = args.string('dpkg_options') ?? DEFAULT_DPKG_OPTIONS;
  if (!/^[A-Za-z0-9=,._/-]*$/.test(dpkgOptions)) throw args.error(`dpkg_options '${dpkgOptions}' must be dpkg option names, comma-separated`, 'dpkg_options');
  return {
    names: names ?? [],
    state,
    updateCache: args.has('update_cache') ? args.bool('update_cache', false) : null,
    cacheValidTime: args.int('cache_valid_time', 0),
    updateCacheRetries: args.int('update_cache_retries', 5),
    updateCacheRetryMaxDelay: args.int('update_cache_retry_max_delay', 12),
    purge: args.bool('purge', false),
    deb,
    installRecommends: args.has('install_recommends') ? args.bool('install_recommends', false) : null,
    force: args.bool('force', false),
    allowDowngrade: args.bool('allow_downgrade', false),
    allowUnauthenticated: args.bool('allow_unauthenticated', false),
    allowChangeHeldPackages: args.bool('allow_change_held_packages', false),
    autoremove: args.bool('autoremove', false),
    failOnAutoremove: args.bool('fail_on_autoremove', false),
    onlyUpgrade: args.bool('only_upgrade', false),
    dpkgOptions,
    upgrade,
    forceAptGet: args.bool('force_apt_get', false),
  };
}
