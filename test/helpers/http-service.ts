/**
 * A small HTTP service inside lab hosts, for the tests of the uri and get_url modules: node's own
 * http module (http-service-server.mjs beside this file) started in each host's namespaces on
 * the host's own 127.0.0.1, so the traffic never leaves the host's loopback. It stops by itself
 * after its time limit; `stop()` ends it sooner, by its PID, after checking that the PID is still
 * that server.
 *
 * Routes: /json, /problem (application/problem+json), /text, /status/NNN, /error (500, JSON),
 * /redirect (302 → /text), /redirect-json (301, absolute), /redirect-307 (→ /echo), /slow (4 s),
 * /echo (method, query, headers, body as JSON), /auth (Basic tpx:s3cret-pass, else 401),
 * /files/app.conf, /files/data.bin, /files/sha256sums.txt, /files/static.txt (304 to
 * If-Modified-Since), /download (Content-Disposition: named.txt); anything else is a 404.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { hostExec } from '../../src/lab/host-namespace.js';
import type { LabState } from '../../src/lab/types.js';
import { quoteArg } from '../../src/shell/quote.js';

export const HTTP_SERVICE_SCRIPT = fileURLToPath(new URL('./http-service-server.mjs', import.meta.url));
/** Where each host gets its copy: a checkout under /tmp is out of the hosts' sight (each has its own /tmp). */
const IN_HOST_SCRIPT = '/tmp/tpx-http-service-server.mjs';

/** The user and password /auth accepts. */
export const HTTP_SERVICE_AUTH = { user: 'tpx', password: 's3cret-pass' } as const;

/** The services started on a lab's hosts. */
export interface HttpService {
  readonly port: number;
  /** Ends every server this call started, by its PID (idempotent). */
  stop(): Promise<void>;
}

/**
 * Starts the service on 127.0.0.1:`port` inside every host of the lab (or those named) and waits
 * until each listens. Each exits by itself after `limitSeconds`.
 */
export async function startHttpService(lab: LabState, port: number, options: { hosts?: readonly string[]; limitSeconds?: number } = {}): Promise<HttpService> {
  const hosts = options.hosts ?? lab.hosts.map((h) => h.name);
  const limit = options.limitSeconds ?? 600;
  const started: [string, number][] = [];
  const stop = async (): Promise<void> => {
    for (const [host, pid] of started.splice(0)) {
      // Only if that PID is still our server: a PID can be reused once the server has exited.
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (cmdline.includes(IN_HOST_SCRIPT)) await hostExec(lab, host, `kill ${pid}`);
    }
  };
  try {
    const script = await readFile(HTTP_SERVICE_SCRIPT, 'utf8');
    for (const host of hosts) {
      const copied = await hostExec(lab, host, `cat > ${IN_HOST_SCRIPT}`, { input: script });
      if (copied.code !== 0) throw new Error(`${host}: cannot copy the HTTP service into the host: ${copied.stderr.trim()}`);
      const command = `setsid ${quoteArg(process.execPath)} ${IN_HOST_SCRIPT} ${port} ${limit} >/dev/null 2>&1 </dev/null & echo $!`;
      const r = await hostExec(lab, host, command);
      const pid = Number(r.stdout.trim());
      if (!Number.isInteger(pid) || pid <= 0) throw new Error(`${host}: the HTTP service did not start: ${r.stderr.trim()}`);
      started.push([host, pid]);
    }
    for (const [host, pid] of started) await waitListening(lab, host, port, pid);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, stop };
}

/**
 * Waits until the host's /proc/net/tcp shows 127.0.0.1:port listening, or the service (`pid`)
 * is gone. On a loaded machine a node process can take seconds to start: the bound (60 s) only
 * stops a wait that would never end.
 */
async function waitListening(lab: LabState, host: string, port: number, pid: number): Promise<void> {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (let i = 0; i < 600; i++) {
    const r = await hostExec(lab, host, `cat /proc/net/tcp; [ -d /proc/${pid} ] || echo tpx-gone`);
    if (r.stdout.split('\n').some((line) => line.includes(` ${local} `) && / 0A /.test(line))) return;
    if (r.stdout.includes('tpx-gone')) throw new Error(`${host}: the HTTP service (pid ${pid}) ended before it listened on 127.0.0.1:${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${host}: the HTTP service does not listen on 127.0.0.1:${port} after 60 s`);
}
