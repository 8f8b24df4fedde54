/**
 * A node script run as a service inside lab hosts (the HTTP service of the uri/get_url tests,
 * the TCP peer of wait_for's): each host gets its own copy (a checkout under /tmp is out of
 * the hosts' sight: each has its own /tmp), started detached, and is waited for until it
 * listens on every port asked, on the host's own 127.0.0.1, or is gone. The script must end by
 * itself after a time limit of its own; `stop()` ends it sooner, by its PID, after checking
 * that the PID is still that script.
 */
import { readFile } from 'node:fs/promises';
import { hostExec } from '../../src/lab/host-namespace.js';
import type { LabState } from '../../src/lab/types.js';
import { quoteArg, quoteArgv } from '../../src/shell/quote.js';

/** What to run, where, and what it listens on. */
export interface NodeService {
  /** For messages: `the HTTP service`. */
  readonly name: string;
  /** The script on this machine. */
  readonly source: string;
  /** Where each host gets its copy (an absolute path inside the host). */
  readonly inHost: string;
  /** Its arguments. */
  readonly args: readonly string[];
  /** The 127.0.0.1 ports it listens on once ready. */
  readonly ports: readonly number[];
}

/**
 * Starts `service` inside every host named (every host of the lab by default) and waits until
 * each listens; returns what ends them (idempotent). On a loaded machine a node process can
 * take seconds to start: the wait ends when it listens or is gone; its bound (60 s) only stops
 * a wait that would never end.
 */
export async function startNodeService(
  lab: LabState,
  service: NodeService,
  hosts: readonly string[] = lab.hosts.map((h) => h.name),
): Promise<() => Promise<void>> {
  const started: [string, number][] = [];
  const stop = async (): Promise<void> => {
    for (const [host, pid] of started.splice(0)) {
      // Only if that PID is still our script: a PID can be reused once it has exited.
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (cmdline.includes(service.inHost)) await hostExec(lab, host, `kill ${pid}`);
    }
  };
  try {
    const script = await readFile(service.source, 'utf8');
    const run = quoteArgv([process.execPath, service.inHost, ...service.args]);
    for (const host of hosts) {
      const copied = await hostExec(lab, host, `cat > ${quoteArg(service.inHost)}`, { input: script });
      if (copied.code !== 0) throw new Error(`${host}: cannot copy ${service.name} into the host: ${copied.stderr.trim()}`);
      const r = await hostExec(lab, host, `setsid ${run} >/dev/null 2>&1 </dev/null & echo $!`);
      const pid = Number(r.stdout.trim());
      if (!Number.isInteger(pid) || pid <= 0) throw new Error(`${host}: ${service.name} did not start: ${r.stderr.trim()}`);
      started.push([host, pid]);
    }
    for (const [host, pid] of started) await waitListening(lab, host, service, pid);
  } catch (error) {
    await stop();
    throw error;
  }
  return stop;
}

async function waitListening(lab: LabState, host: string, service: NodeService, pid: number): Promise<void> {
  const wanted = service.ports.map((port) => `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`);
  let seen = '';
  for (let i = 0; i < 600; i++) {
    const r = await hostExec(lab, host, `awk '$4 == "0A" { print $2 }' /proc/net/tcp; [ -d /proc/${pid} ] || echo tpx-gone`);
    seen = r.stdout;
    const listening = new Set(seen.split('\n'));
    if (wanted.every((w) => listening.has(w))) return;
    if (seen.includes('tpx-gone')) throw new Error(`${host}: ${service.name} (pid ${pid}) ended before it listened on 127.0.0.1:${service.ports.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${host}: ${service.name} (pid ${pid}) does not listen on 127.0.0.1:${service.ports.join(', ')} after 60 s (listening: ${quoteArg(seen)})`);
}
