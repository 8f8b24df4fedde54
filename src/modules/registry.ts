import { aptModule } from './apt.js';
import { assertModule } from './assert.js';
import { blockinfileModule } from './blockinfile.js';
import { commandModule } from './command.js';
import { copyModule } from './copy.js';
import { cronModule } from './cron.js';
import { debugModule } from './debug.js';
import { dnfModule } from './dnf.js';
import { failModule } from './fail.js';
import { fileModule } from './file.js';
import { getUrlModule } from './get-url.js';
import { groupModule } from './group.js';
import { hostnameModule } from './hostname.js';
import { lineinfileModule } from './lineinfile.js';
import { metaModule } from './meta.js';
import { packageModule } from './package.js';
import type { ModuleDefinition } from './module.js';
import { pauseModule } from './pause.js';
import { pingModule } from './ping.js';
import { replaceModule } from './replace.js';
import { resolveModuleName, stripModulePrefix } from './params/all-params.js';
import { scriptModule } from './script.js';
import { serviceModule } from './service.js';
import { setFactModule } from './set-fact.js';
import { setupModule } from './setup.js';
import { shellModule } from './shell.js';
import { slurpModule } from './slurp.js';
import { fetchModule } from './fetch.js';
import { findModule } from './find.js';
import { includeVarsModule } from './include-vars.js';
import { rawModule } from './raw.js';
import { statModule } from './stat.js';
import { sysctlModule } from './sysctl.js';
import { systemdModule, systemdServiceModule } from './systemd.js';
import { templateModule } from './template.js';
import { unarchiveModule } from './unarchive.js';
import { uriModule } from './uri.js';
import { userModule } from './user.js';
import { waitForModule } from './wait-for.js';
import { waitForConnectionModule } from './wait-for-connection.js';
import { rebootModule } from './reboot.js';
import { yumModule } from './yum.js';

/** Every module tpx knows, by its short name. */
const MODULES: ReadonlyMap<string, ModuleDefinition> = new Map(
  (
    [
      commandModule,
      shellModule,
      scriptModule,
      copyModule,
      fileModule,
      unarchiveModule,
      lineinfileModule,
      templateModule,
      blockinfileModule,
      replaceModule,
      statModule,
      slurpModule,
      fetchModule,
      findModule,
      includeVarsModule,
      rawModule,
      waitForModule,
      waitForConnectionModule,
      rebootModule,
      uriModule,
      getUrlModule,
      serviceModule,
      aptModule,
      dnfModule,
      yumModule,
      packageModule,
      groupModule,
      userModule,
      hostnameModule,
      sysctlModule,
      cronModule,
      systemdModule,
      systemdServiceModule,
      assertModule,
      setFactModule,
      setupModule,
      failModule,
      debugModule,
      pingModule,
      metaModule,
      pauseModule,
    ] as ModuleDefinition[]
  ).map((m) => [m.name, m]),
);

/** The short name of a module name as written (`ansible.builtin.copy` → `copy`). */
export const canonicalModuleName = stripModulePrefix;

/** The module for a name as written in a task, with Ansible's collection prefixes accepted. */
export function getModule(name: string): ModuleDefinition | undefined {
  const short = resolveModuleName(name);
  return short === undefined ? undefined : MODULES.get(short);
}

/** The short names of all modules, sorted. */
export function moduleNames(): string[] {
  return [...MODULES.keys()].sort();
}

/** True when a task key names a module (short or prefixed). */
export function isModuleName(name: string): boolean {
  return getModule(name) !== undefined;
}
