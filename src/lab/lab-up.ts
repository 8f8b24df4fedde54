import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeAccountLayers, writeHostsFile } from './accounts.js';
import { hostUpperPath, prepareHostDir, startAnchor } from './host-namespace.js';
import { writeLabInventory } from './inventory-file.js';
import { buildKumaPackage, installKumactl, installStandInRuntime } from './kumactl-files.js';
import { labDown, LAB_ID_FILE } from './lab-down.js';
import { createNetwork, hostAddresses, hostNetns, LAB_NAMESERVER, switchNetns } from './network.js';
import { HOST_OVERLAID, labFiles, resolveDistScript } from './paths.js';
import { ensurePrerequisites, LabError } from './prerequisites.js';
import { forEachLimited } from './run-process.js';
import { seedHost } from './seed-rules.js';
import { parseSeeds } from './seeds.js';
import { generateHostKeys, generateKey, writeAuthorizedKeys, writeKnownHosts, writeSshdConfig } from './ssh-files.js';
import { readLabState, writeLabState } from './state.js';
import type { LabHost, LabState, LabUpOptions } from './types.js';

/**
 * Builds a lab: N hosts, each a network namespace with its own iptables and a mount namespace
 * with its own /etc, /opt, /var/lib, /home, /tmp and /run, reached over SSH on 127.0.0.1 through
 * the bridge; seeded with the requested Kuma versions. On failure everything made is removed.
 */
export async function labUp(options: LabUpOptions): Promise<LabState> {
  const log = options.log ?? (() => undefined);
  const dir = resolve(options.dir);
  const count = options.hosts ?? 6;
  if (!Number.isInteger(count) || count < 1 || count > 1000) throw new LabError(`--hosts must be a whole number from 1 to 1000, not ${count}`);
  const seeds = parseSeeds(options.versions ?? ['2.8.3']);
  const hidden = HOST_OVERLAID.find((p) => dir === p || dir.startsWith(p + '/'));
  if (hidden) throw new LabError(`the lab dir cannot be under ${hidden} (the hosts lay their own ${hidden} over it); use e.g. /var/tmp/tpx-lab`);
  if (options.kumactl && !existsSync(options.kumactl)) throw new LabError(`--kumactl ${options.kumactl}: no such file`);
  await ensurePrerequisites(log);
  await claimDir(dir, options.force === true, log);

  const labId = options.labId ?? randomBytes(4).toString('hex').slice(0, 6);
  await writeFile(join(dir, LAB_ID_FILE), labId + '\n');
  try {
    return await build(dir, labId, count, seeds, options, log);
  } catch (error) {
    log(`lab up failed; removing what was made`);
    await labDown(dir).catch(() => undefined);
    throw error;
  }
}

async function claimDir(dir: string, force: boolean, log: (line: string) => void): Promise<void> {
  if (existsSync(join(dir, LAB_ID_FILE)) || (await readLabState(dir).catch(() => null))) {
    if (!force) throw new LabError(`a lab already exists in ${dir}: take it down first (tpx lab down --dir ${dir}) or rebuild it with --force`);
    log(`removing the lab in ${dir} (--force)`);
    await labDown(dir);
  } else if (existsSync(dir) && (await readdir(dir)).length > 0) {
    throw new LabError(`${dir} exists and is not empty; give an empty or new dir for the lab`);
  }
  await mkdir(dir, { recursive: true, mode: 0o755 });
  // sshd reads authorized_keys as the login user, who must be able to enter the dir.
  await chmod(dir, 0o755);
}

async function build(
  dir: string,
  labId: string,
  count: number,
  seeds: ReturnType<typeof parseSeeds>,
  options: LabUpOptions,
  log: (line: string) => void,
): Promise<LabState> {
  const files = labFiles(dir);
  const started = Date.now();
  const hostDirs = Array.from({ length: count }, (_, i) => join(files.hostsDir, `mesh-${pad(i + 1, count)}`));
  let state: LabState = {
    format: 1,
    labId,
    dir,
    createdAt: new Date().toISOString(),
    phase: 'building',
    switchNetns: switchNetns(labId),
    bridgePid: null,
    controlSocket: files.controlSocket,
    user: 'tpx',
    passwordUser: 'tpxpw',
    password: '',
    identityFile: files.identityFile,
    knownHostsFile: files.knownHosts,
    inventoryFile: files.inventory,
    sshdConfig: files.sshdConfig,
    kumactl: options.kumactl ? resolve(options.kumactl) : 'stand-in',
    nameserver: LAB_NAMESERVER,
    hosts: [],
  };
  await writeLabState(state);

  log(`creating ${count} network namespaces`);
  await createNetwork(labId, count);
  const accounts = await writeAccountLayers(files.etcLayer, files.homeLayer, LAB_NAMESERVER);
  state = { ...state, password: accounts.password };
  await generateKey(files.identityFile, `tpx-lab-${labId}`);
  await writeAuthorizedKeys(files.authorizedKeys, [accounts.user, accounts.passwordUser], files.publicKey);
  await writeSshdConfig(files.sshdConfig, files.authorizedKeys);
  await forEachLimited(hostDirs, 16, (d) => prepareHostDir(d));
  await generateHostKeys(hostDirs);

  const hosts: LabHost[] = hostDirs.map((hostDir, i) => {
    const seed = seeds[i % seeds.length];
    return {
      name: `mesh-${pad(i + 1, count)}`,
      index: i + 1,
      netns: hostNetns(labId, i + 1),
      port: 0,
      ...hostAddresses(i + 1),
      seed: seed.spec,
      kumaVersion: seed.version,
      commentsDisabled: seed.commentsDisabled,
      anchorPid: 0,
      dir: hostDir,
    };
  });
  await writeHostsFile(files.etcLayer, hosts);
  const realKumactl = state.kumactl === 'stand-in' ? undefined : state.kumactl;
  // Also with a real kumactl: the packages (--packages) hold the stand-in.
  const standIn = await installStandInRuntime(dir);
  for (const h of hosts) {
    if (h.kumaVersion !== null) await installKumactl(hostUpperPath(h.dir, '/opt'), h.kumaVersion, realKumactl, standIn);
  }

  log(`starting ${count} sshd`);
  const anchored: LabHost[] = [...hosts];
  await forEachLimited(hosts, 16, async (h, i) => {
    const anchorPid = await startAnchor({
      netns: h.netns,
      hostname: h.name,
      hostDir: h.dir,
      layers: { etc: files.etcLayer, home: files.homeLayer },
      sshdConfig: files.sshdConfig,
      sshdLog: files.sshdLog,
      ipv4: h.ipv4,
      ipv6: h.ipv6,
    });
    anchored[i] = { ...h, anchorPid };
  });
  state = { ...state, hosts: anchored };
  await writeLabState(state);

  const { pid, ports } = await startBridge(dir, options.basePort ?? 0);
  state = { ...state, bridgePid: pid, hosts: state.hosts.map((h) => ({ ...h, port: ports[h.name] })) };
  await writeLabState(state);
  await writeKnownHosts(files.knownHosts, state.hosts);
  await writeLabInventory(state);

  log(`seeding rules`);
  const s = state;
  await forEachLimited(s.hosts, 8, (h) => seedHost(s, h));
  for (const version of options.packages ?? []) await buildKumaPackage(dir, version, standIn);

  state = { ...state, phase: 'ready' };
  await writeLabState(state);
  log(`lab ${labId} ready: ${count} hosts in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return state;
}

function pad(n: number, count: number): string {
  return String(n).padStart(Math.max(2, String(count).length), '0');
}

/** Starts the detached bridge and waits (at most 20 s) until it listens for every host. */
async function startBridge(dir: string, basePort: number): Promise<{ pid: number; ports: Record<string, number> }> {
  const files = labFiles(dir);
  const fd = openSync(files.bridgeLog, 'a');
  const child = spawn(process.execPath, [resolveDistScript('bridge/main'), dir, String(basePort)], { detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  child.unref();
  for (let i = 0; i < 400; i++) {
    const text = await readFile(files.bridgePorts, 'utf8').catch(() => null);
    if (text) return JSON.parse(text) as { pid: number; ports: Record<string, number> };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const why = (await readFile(files.bridgeLog, 'utf8').catch(() => '')).trim().split('\n').pop();
  throw new LabError(`the lab bridge did not start: ${why || 'no output'}`);
}
