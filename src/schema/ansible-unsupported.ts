/**
 * Ansible's playbook keywords and modules that tpx does not support yet, so that meeting one
 * is named as exactly that, never reported as a typo with a did-you-mean that would change
 * the meaning (`remote_user` is not `become_user`). Names from Ansible's documented keyword
 * and module lists; the ones tpx supports are not here.
 */
export const UNSUPPORTED_KEYWORDS: ReadonlySet<string> = new Set([
  'gather_subset',
  'gather_timeout',
  'fact_path',
  'collections',
  'port',
  'order',
  'force_handlers',
  'throttle',
  'module_defaults',
  'debugger',
  'diff',
  'ignore_unreachable',
  'listen_to',
  'become_method',
  'become_flags',
  'become_exe',
]);

/** Modules of ansible-core and the ones fleet playbooks use most, which tpx does not have yet. */
export const UNSUPPORTED_MODULES: ReadonlySet<string> = new Set([
  'add_host',
  'apt_key',
  'apt_repository',
  'assemble',
  'async_status',
  'expect',
  'firewalld',
  'getent',
  'git',
  'group_by',
  'haproxy',
  'iptables',
  'known_hosts',
  'mount',
  'package_facts',
  'pip',
  'service_facts',
  'synchronize',
  'sysvinit',
  'tempfile',
  'ufw',
  'yum_repository',
]);
