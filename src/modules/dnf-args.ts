import { ModuleArgs, paramNames } from './module-args.js';
import { dnfParams } from './params/dnf.js';

/** The states tpx's dnf acts on (installed and removed are read as present and absent). */
export type DnfState = 'present' | 'latest' | 'absent';

/** Parameters of `dnf` (and of `yum` on a dnf host), read once at the entry. */
export interface DnfParams {
  /** Package specs as given, stripped, comma strings split (Ansible's listify). */
  readonly names: readonly string[];
  readonly state: DnfState;
  readonly updateCache: boolean;
  readonly disableGpgCheck: boolean;
  readonly enablerepo: readonly string[];
  readonly disablerepo: readonly string[];
  readonly autoremove: boolean;
  readonly allowDowngrade: boolean;
}

const ALIASES: Readonly<Record<string, string>> = { pkg: 'name', 'expire-cache': 'update_cache' };

/** The parameters of Ansible's yumdnf spec tpx names as not supported yet. */
const NOT_YET = [
  'list',
  'conf_file',
  'installroot',
  'exclude',
  'disable_excludes',
  'disable_plugin',
  'enable_plugin',
  'download_only',
  'download_dir',
  'releasever',
  'security',
  'bugfix',
  'skip_broken',
  'update_only',
  'cacheonly',
  'install_weak_deps',
  'install_repoquery',
  'validate_certs',
  'sslverify',
  'lock_timeout',
  'allowerasing',
  'nobest',
];

/** An rpm package spec: name, name.arch, name-[epoch:]version[-release][.arch]; never starting with `-`, so never an option. */
const SPEC = /^[A-Za-z0-9_+][A-Za-z0-9_.+:~^-]*$/;
const REPO_ID = /^[A-Za-z0-9_.:*?[\]][A-Za-z0-9_.:*?[\]-]*$/;

/** A string list as Ansible's `type: list` reads it, then its comma strings split (yumdnf's listify). */
function readList(args: ModuleArgs, name: string): string[] {
  const raw = args.raw(name);
  if (raw === undefined) return [];
  const list = typeof raw === 'string' ? raw.split(',') : (args.stringList(name) ?? []);
  const out = list.flatMap((item) => (item.includes(',') ? item.split(',') : [item])).map((s) => s.trim());
  return out.length === 1 && out[0] === '' ? [] : out;
}

function checkSpec(args: ModuleArgs, spec: string, state: DnfState): void {
  if (spec === '*' && state === 'latest') return;
  if (spec.includes(' ') && !/[@<>=]/.test(spec)) {
    throw args.error(
      'It appears that a space separated string of packages was passed in as an argument. To operate on several packages, pass a comma separated string of packages or a list of packages.',
      'name',
    );
  }
  const what = spec.startsWith('@')
    ? 'groups and modules (@name)'
    : spec.includes('://') || spec.endsWith('.rpm')
      ? 'rpm files and URLs'
      : spec.startsWith('/')
        ? 'file paths (what provides them)'
        : /[*?[\]]/.test(spec)
          ? 'name patterns'
          : /[<>= ]/.test(spec)
            ? 'version comparisons (write name-version)'
            : '';
  if (what !== '') throw args.error(`'${spec}': ${what} are not supported yet; name the packages (name, name.arch or name-version-release)`, 'name');
  if (!SPEC.test(spec)) {
    throw args.error(`'${spec}' is not an rpm package spec (letters, digits and _ . + : ~ ^ -, not starting with - or .)`, 'name');
  }
}

function readState(args: ModuleArgs, autoremove: boolean): DnfState {
  const state = args.string('state');
  if (state === undefined) return autoremove ? 'absent' : 'present';
  if (state === 'present' || state === 'installed') return 'present';
  if (state === 'absent' || state === 'removed') return 'absent';
  if (state === 'latest') return state;
  throw args.error(`value of state must be one of: absent, installed, latest, present, removed, got: ${state}`, 'state');
}

/** Normalises dnf's parameters as Ansible's yumdnf argument spec reads them; unsupported ones are named. */
export function normaliseDnf(raw: Readonly<Record<string, unknown>>, module = 'dnf', extra: readonly string[] = []): DnfParams {
  const args = new ModuleArgs(
    module,
    raw,
    paramNames(dnfParams, extra).filter((k) => !(k in ALIASES)),
    ALIASES,
  );
  for (const name of NOT_YET) if (args.has(name)) throw args.error(`'${name}' is not supported yet`, name);
  const names = readList(args, 'name');
  const updateCache = args.bool('update_cache', false);
  const autoremove = args.bool('autoremove', false);
  const state = readState(args, autoremove);
  if (autoremove && state !== 'absent') throw args.error('Autoremove should be used alone or with state=absent');
  for (const spec of names) checkSpec(args, spec, state);
  const repos = (name: string): string[] => {
    const list = readList(args, name).filter((r) => r !== '');
    for (const r of list) if (!REPO_ID.test(r)) throw args.error(`'${r}' is not a repository id or pattern`, name);
    return list;
  };
  return {
    names,
    state,
    updateCache,
    disableGpgCheck: args.bool('disable_gpg_check', false),
    enablerepo: repos('enablerepo'),
    disablerepo: repos('disablerepo'),
    autoremove,
    allowDowngrade: args.bool('allow_downgrade', false),
  };
}
