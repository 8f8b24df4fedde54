/**
 * The lab bridge: one detached process per lab that listens on 127.0.0.1 for every host and
 * hands each connection to an `sshd -i` inside that host's namespaces. Started by `labUp`
 * as `node main.js <labDir> [basePort]`; stopped by `labDown` by PID.
 * Fault control: a Unix socket `<labDir>/bridge.sock` takes one JSON line
 * `{"host": "mesh-01", "fault": {...} | null}` and answers `ok` once the fault is in effect.
 */
import { appendFileSync, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { labFiles } from '../paths.js';
import { hostKeyPath } from '../ssh-files.js';
import type { LabFault, LabState } from '../types.js';
import { HostListener } from './host-listener.js';

async function main(): Promise<void> {
  const dir = process.argv[2];
  const basePort = Number(process.argv[3] ?? 0);
  const files = labFiles(dir);
  const log = (line: string): void => appendFileSync(files.bridgeLog, `${new Date().toISOString()} ${line}\n`);
  process.on('uncaughtException', (e) => log(`uncaught: ${e.stack ?? e.message}`));
  const state = JSON.parse(readFileSync(files.state, 'utf8')) as LabState;
  const listeners = new Map<string, HostListener>();
  const ports: Record<string, number> = {};
  for (const h of state.hosts) {
    const listener = new HostListener(
      {
        name: h.name,
        anchorPid: h.anchorPid,
        sshdArgs: ['-f', files.sshdConfig, '-h', hostKeyPath(h.dir), '-E', files.sshdLog],
        netnsLink: `net:[${statSync(`/run/netns/${h.netns}`).ino}]`,
      },
      log,
    );
    ports[h.name] = await listener.listen(basePort > 0 ? basePort + h.index - 1 : h.port);
    listeners.set(h.name, listener);
  }
  const faults: Record<string, LabFault> = existsSync(files.faults) ? JSON.parse(readFileSync(files.faults, 'utf8')) : {};
  for (const [name, fault] of Object.entries(faults)) await listeners.get(name)?.setFault(fault);

  rmSync(files.controlSocket, { force: true });
  const control = createServer((conn) => {
    let buf = '';
    conn.setEncoding('utf8');
    conn.on('error', () => undefined);
    conn.on('data', async (chunk: string) => {
      buf += chunk;
      if (!buf.includes('\n')) return;
      try {
        const { host, fault } = JSON.parse(buf) as { host: string; fault: LabFault };
        const listener = listeners.get(host);
        if (!listener) throw new Error(`no host ${host}`);
        await listener.setFault(fault);
        faults[host] = fault;
        writeFileSync(files.faults, JSON.stringify(faults));
        conn.end('ok\n');
      } catch (e) {
        conn.end(`error ${(e as Error).message}\n`);
      }
    });
  });
  control.listen(files.controlSocket);

  writeFileSync(files.bridgePorts + '.tmp', JSON.stringify({ pid: process.pid, ports }));
  renameSync(files.bridgePorts + '.tmp', files.bridgePorts);
  log(`listening for ${state.hosts.length} hosts`);

  const stop = (): void => {
    for (const l of listeners.values()) l.close();
    control.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // A lab whose dir is gone was removed without `lab down`: do not linger.
  setInterval(() => {
    if (!existsSync(files.state)) stop();
  }, 5000).unref();
}

main().catch((e: Error) => {
  process.stderr.write(`tpx lab bridge: ${e.message}\n`);
  process.exit(1);
});
