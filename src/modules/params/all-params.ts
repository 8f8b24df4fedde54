import { aptParams } from './apt.js';
import { assertParams } from './assert.js';
import { blockinfileParams } from './blockinfile.js';
import { commandParams } from './command.js';
import { copyParams } from './copy.js';
import { cronParams } from './cron.js';
import { debugParams } from './debug.js';
import { dnfParams } from './dnf.js';
import { failParams } from './fail.js';
import { fileParams } from './file.js';
import { getUrlParams } from './get-url.js';
import { groupParams } from './group.js';
import { hostnameParams } from './hostname.js';
import { lineinfileParams } from './lineinfile.js';
import type { ModuleParams } from './module-params.js';
import { metaParams } from './meta.js';
import { packageParams } from './package.js';
import { pauseParams } from './pause.js';
import { pingParams } from './ping.js';
import { replaceParams } from './replace.js';
import { scriptParams } from './script.js';
import { serviceParams } from './service.js';
import { setFactParams } from './set-fact.js';
import { setupParams } from './setup.js';
import { shellParams } from './shell.js';
import { slurpParams } from './slurp.js';
import { fetchParams } from './fetch.js';
import { findParams } from './find.js';
import { includeVarsParams } from './include-vars.js';
import { rawParams } from './raw.js';
import { statParams } from './stat.js';
import { sysctlParams } from './sysctl.js';
import { systemdParams, systemdServiceParams } from './systemd.js';
import { templateParams } from './template.js';
import { unarchiveParams } from './unarchive.js';
import { uriParams } from './uri.js';
import { userParams } from './user.js';
import { waitForParams } from './wait-for.js';
import { waitForConnectionParams } from './wait-for-connection.js';
import { rebootParams } from './reboot.js';
import { yumParams } from './yum.js';

/** Every module a playbook may use, by name. */
export const MODULE_PARAMS: readonly ModuleParams[] = [
  commandParams,
  shellParams,
  scriptParams,
  copyParams,
  fileParams,
  unarchiveParams,
  lineinfileParams,
  templateParams,
  blockinfileParams,
  replaceParams,
  statParams,
  slurpParams,
  fetchParams,
  findParams,
  includeVarsParams,
  rawParams,
  waitForParams,
  waitForConnectionParams,
  rebootParams,
  uriParams,
  getUrlParams,
  serviceParams,
  aptParams,
  dnfParams,
  yumParams,
  packageParams,
  groupParams,
  userParams,
  hostnameParams,
  sysctlParams,
  cronParams,
  systemdParams,
  systemdServiceParams,
  assertParams,
  setFactParams,
  setupParams,
  failParams,
  debugParams,
  pingParams,
  metaParams,
  pauseParams,
];

/** Ansible's collection prefixes, accepted before a module's name: `ansible.builtin.shell`. */
export const MODULE_PREFIXES = ['ansible.builtin.', 'ansible.legacy.'] as const;

/** A task key without a known collection prefix (`ansible.builtin.copy` → `copy`); other keys as they are. */
export function stripModulePrefix(key: string): string {
  for (const prefix of MODULE_PREFIXES) if (key.startsWith(prefix)) return key.slice(prefix.length);
  return key;
}

/** The module name behind a task key (`ansible.builtin.shell` → `shell`), or undefined when it is no module. */
export function resolveModuleName(key: string): string | undefined {
  const name = stripModulePrefix(key);
  return MODULE_PARAMS.some((m) => m.name === name) ? name : undefined;
}
