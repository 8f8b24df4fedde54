import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository (or installed package) root: this file lives in `src/lab/` or `dist/lab/`. */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The compiled JavaScript of a lab program (`bridge/main`, `kumactl/main`), which runs as its own process. */
export function resolveDistScript(relative: string): string {
  const path = join(packageRoot, 'dist', 'lab', `${relative}.js`);
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: build tpx first (npm run build)`);
  }
  return path;
}

/** Namespace name prefix shared by every lab; `tpxlab-<labId>-` for one lab. */
export const NETNS_PREFIX = 'tpxlab-';

/** Paths the hosts' mount namespaces cover; a lab dir below one of them would be hidden from its own sshd. */
export const HOST_OVERLAID = ['/etc', '/opt', '/var/lib', '/home', '/usr', '/var/cache', '/var/log', '/var/spool', '/tmp', '/run'] as const;

/** The files of a lab in its dir. */
export function labFiles(dir: string) {
  return {
    state: join(dir, 'state.json'),
    identityFile: join(dir, 'id_ed25519'),
    publicKey: join(dir, 'id_ed25519.pub'),
    knownHosts: join(dir, 'known_hosts'),
    inventory: join(dir, 'inventory.yaml'),
    sshdConfig: join(dir, 'sshd_config'),
    sshdLog: join(dir, 'sshd.log'),
    bridgeLog: join(dir, 'bridge.log'),
    bridgePorts: join(dir, 'bridge-ports.json'),
    faults: join(dir, 'faults.json'),
    controlSocket: join(dir, 'bridge.sock'),
    authorizedKeys: join(dir, 'authorized_keys'),
    /** Lab-wide layer over /etc: passwd, shadow, group, sudoers.d, resolv.conf. */
    etcLayer: join(dir, 'layers', 'etc'),
    /** Lab-wide layer over /home: the login users' homes. */
    homeLayer: join(dir, 'layers', 'home'),
    packages: join(dir, 'packages'),
    hostsDir: join(dir, 'hosts'),
  };
}
