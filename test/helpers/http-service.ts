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
import { fileURLToPath } from 'node:url';
import type { LabState } from '../../src/lab/types.js';
import { startNodeService } from './node-service.js';

export const HTTP_SERVICE_SCRIPT = fileURLToPath(new URL('./http-service-server.mjs', import.meta.url));

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
  const service = {
    name: 'the HTTP service',
    source: HTTP_SERVICE_SCRIPT,
    inHost: '/tmp/tpx-http-service-server.mjs',
    args: [String(port), String(options.limitSeconds ?? 600)],
    ports: [port],
  };
  return { port, stop: await startNodeService(lab, service, options.hosts) };
}
