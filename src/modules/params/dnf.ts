import { boolParam, stringOrList, type JsonSchema, type ModuleParams } from './module-params.js';

const notYet = (what: string): JsonSchema => ({ description: `${what} Not supported by tpx yet (named as such when given).` });

const packagesParam: JsonSchema = {
  ...stringOrList,
  description:
    "Package specs, a list or a comma-separated string: a name, `name.arch`, or `name-version[-release]` (`name-1.0-1.noarch`); '*' with state latest upgrades every package.",
};

const reposParam = (description: string): JsonSchema => ({ ...stringOrList, description });

/** The parameters dnf and yum share (Ansible's yumdnf argument spec), without the module's own ones. */
export const dnfProperties: Readonly<Record<string, JsonSchema>> = {
  name: packagesParam,
  pkg: { ...packagesParam, description: 'Same as name.' },
  state: {
    type: 'string',
    description: 'present or installed (default: installed, any version), latest (upgraded to the newest), absent or removed (default with autoremove alone).',
  },
  update_cache: boolParam("Refresh the repositories' metadata first (`dnf makecache`); alone, only that."),
  'expire-cache': boolParam('Same as update_cache.'),
  disable_gpg_check: boolParam('Install packages whose signatures are not checked (`--nogpgcheck`).'),
  enablerepo: reposParam('Repository ids (or patterns) to enable for this task, a list or a comma-separated string.'),
  disablerepo: reposParam('Repository ids (or patterns) to disable for this task, applied before enablerepo.'),
  autoremove: boolParam('Remove packages installed as dependencies that nothing needs any more (alone, or with state absent).'),
  allow_downgrade: boolParam('Install `name-version-release` even where a newer version is installed (a downgrade).'),
  list: notYet('Lists packages or repositories.'),
  conf_file: notYet('Another dnf configuration file.'),
  installroot: notYet('Another root to install into.'),
  exclude: notYet('Packages to exclude.'),
  disable_excludes: notYet('Disable the configured excludes.'),
  disable_plugin: notYet('dnf plugins to disable.'),
  enable_plugin: notYet('dnf plugins to enable.'),
  download_only: notYet('Only download the packages.'),
  download_dir: notYet('Where download_only puts the packages.'),
  releasever: notYet('The release version for the repositories.'),
  security: notYet('Only security updates.'),
  bugfix: notYet('Only bugfix updates.'),
  skip_broken: notYet('Skip packages with broken dependencies.'),
  update_only: notYet('Only upgrade installed packages.'),
  cacheonly: notYet('Use only the cache.'),
  install_weak_deps: notYet('Whether to install weak dependencies (tpx installs them, as the default true).'),
  install_repoquery: notYet('yum only; no effect with dnf.'),
  validate_certs: notYet('Check TLS certificates of remote rpm URLs.'),
  sslverify: notYet('Check TLS certificates of the repositories.'),
  lock_timeout: notYet('Seconds to wait for the dnf lock.'),
  allowerasing: notYet('Allow removing installed packages to resolve dependencies.'),
  nobest: notYet('Accept a version other than the newest.'),
};

/** `dnf: { name: [httpd, mod_ssl], state: present, update_cache: true }`. */
export const dnfParams: ModuleParams = {
  name: 'dnf',
  description: "Installs, upgrades and removes rpm packages with the host's dnf, as Ansible's dnf module does.",
  example: 'dnf:\n  name:\n    - httpd\n    - mod_ssl\n  state: present\n  update_cache: true',
  schema: {
    title: 'dnf parameters',
    type: 'object',
    properties: dnfProperties,
    additionalProperties: false,
  },
};
