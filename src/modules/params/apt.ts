import { boolParam, stringOrList, type JsonSchema, type ModuleParams } from './module-params.js';

const notYet = (what: string): JsonSchema => ({ description: `${what} Not supported by tpx yet (named as such when given).` });

const countParam = (description: string): JsonSchema => ({
  type: ['integer', 'string'],
  pattern: '^\\s*\\d+\\s*$|\\{\\{[\\s\\S]*\\}\\}',
  minimum: 0,
  'x-expected': 'a whole number',
  description,
});

const packagesParam: JsonSchema = {
  ...stringOrList,
  description:
    "Package names, a list or a comma-separated string; `foo=1.0` (a glob like `foo=1.*` too) pins a version, `foo>=1.0` asks for at least it; '*' with state latest upgrades every package.",
};

/** `apt: { name: [curl, jq], state: present, update_cache: true, cache_valid_time: 3600 }`. */
export const aptParams: ModuleParams = {
  name: 'apt',
  description:
    "Installs, upgrades and removes Debian packages with apt-get (and a .deb with dpkg), refreshing the package lists when asked, as Ansible's apt module does.",
  example: 'apt:\n  name:\n    - curl\n    - jq=1.6*\n  state: present\n  update_cache: true\n  cache_valid_time: 3600',
  schema: {
    title: 'apt parameters',
    type: 'object',
    properties: {
      name: packagesParam,
      pkg: { ...packagesParam, description: 'Same as name.' },
      package: { ...packagesParam, description: 'Same as name.' },
      state: {
        type: 'string',
        description:
          'present (default: installed, any version), latest (the newest candidate), absent (removed). build-dep and fixed are not supported by tpx yet.',
      },
      update_cache: boolParam('Run `apt-get update` first (only when the lists are older than cache_valid_time).'),
      'update-cache': boolParam('Same as update_cache.'),
      cache_valid_time: countParam('Seconds the package lists stay fresh: an older cache is updated (even without update_cache, as in Ansible).'),
      update_cache_retries: countParam('How many times `apt-get update` is tried (default 5).'),
      update_cache_retry_max_delay: countParam('The longest wait, in seconds, between two tries (default 12).'),
      purge: boolParam('With state absent: also remove configuration files (a package left with only its configuration is purged).'),
      deb: {
        type: 'string',
        minLength: 1,
        description: 'A .deb file on the host to install (with dpkg; missing dependencies with apt-get); several comma-separated.',
      },
      install_recommends: boolParam('Install recommended packages too (unset: as apt is configured).'),
      'install-recommends': boolParam('Same as install_recommends.'),
      force: boolParam('apt-get --force-yes; dpkg --force-all for a deb. Dangerous.'),
      allow_downgrade: boolParam('Allow installing an older version than the installed one (a pin, a deb).'),
      'allow-downgrade': boolParam('Same as allow_downgrade.'),
      allow_downgrades: boolParam('Same as allow_downgrade.'),
      'allow-downgrades': boolParam('Same as allow_downgrade.'),
      allow_unauthenticated: boolParam('Install packages that cannot be authenticated.'),
      'allow-unauthenticated': boolParam('Same as allow_unauthenticated.'),
      allow_change_held_packages: boolParam('Allow changing packages on hold.'),
      autoremove: boolParam('Remove packages installed as dependencies that nothing needs any more (alone, or with the install or removal).'),
      fail_on_autoremove: boolParam('apt-get --no-remove: fail rather than remove a package to install another.'),
      only_upgrade: boolParam('Only upgrade packages that are installed, never install new ones.'),
      dpkg_options: { type: 'string', description: 'dpkg options, comma-separated, without the leading -- (default force-confdef,force-confold).' },
      force_apt_get: boolParam('With upgrade: use apt-get even where aptitude is installed (tpx does not drive aptitude, and says so).'),
      upgrade: {
        type: ['string', 'boolean'],
        description:
          'Upgrade every package: yes or safe (apt-get upgrade --with-new-pkgs), dist or full (apt-get dist-upgrade); no (default) does not. Not with name or deb.',
      },
      default_release: notYet('The release to prefer (apt-get -t).'),
      'default-release': notYet('Same as default_release.'),
      autoclean: notYet('Remove obsolete package files from the local cache.'),
      clean: notYet('apt-get clean.'),
      policy_rc_d: notYet('A policy-rc.d exit code while packages are changed.'),
      lock_timeout: notYet('Seconds to wait for the dpkg lock.'),
    },
    additionalProperties: false,
  },
};
