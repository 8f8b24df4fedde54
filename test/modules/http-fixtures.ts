/**
 * For the uri and get_url tests on this machine: an HTTP server started inside the test on
 * 127.0.0.1 (port 0), and a runner that gives each fact command its stdin without blocking the
 * event loop (the server answers from this same process).
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { afterEach } from 'vitest';
import type { ModuleDefinition, Plan, PlanContext } from '../../src/modules/module.js';
import type { ExecResult } from '../../src/transport/connection.js';

export type Route = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

const servers: (Server | TcpServer)[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** Starts a server on 127.0.0.1 with the given routes (by path); others are 404. Returns its base URL. */
export async function startServer(routes: Readonly<Record<string, Route>>): Promise<string> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const route = routes[new URL(req.url ?? '/', 'http://x').pathname];
      if (route) route(req, res, Buffer.concat(chunks));
      else send(res, 404, 'text/plain', 'no such route\n');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/**
 * A hostile server: answers every connection with these bytes as they are (what Node's own
 * server refuses to send: NUL in a header, bad framing), then closes. Returns its base URL.
 */
export async function startRawServer(answer: string | Buffer): Promise<string> {
  const server = createTcpServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => socket.end(answer));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

export function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': String(bytes.length), ...headers });
  res.end(bytes);
}

/** Runs one command with /bin/sh, its stdin given, asynchronously. */
function runAsync(command: string, stdin: string | Buffer | undefined): Promise<ExecResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd: '/' });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('close', (rc, signal) =>
      resolve({
        rc,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut: false,
        durationMs: Date.now() - started,
      }),
    );
    child.stdin.end(stdin ?? '');
  });
}

/** What a module's run on this machine gave: its plan and, as the engine builds it, the registered result. */
export interface HttpRun {
  readonly plan: Plan;
  readonly result: Record<string, unknown>;
  /** The fact commands and their stdin, as sent. */
  readonly sent: readonly { command: string; stdin?: string | Buffer }[];
}

/** Normalises, runs the module's fact commands here (with their stdin), and plans. */
export async function runHere<P>(module: ModuleDefinition<P>, args: Record<string, unknown>, ctx: PlanContext): Promise<HttpRun> {
  const params = module.normalise ? module.normalise(args) : (args as P);
  const facts: Record<string, ExecResult> = {};
  const sent = module.facts?.(params, ctx) ?? [];
  for (const f of sent) facts[f.key] = await runAsync(f.command, f.stdin);
  const plan = await module.plan(params, facts, ctx);
  const result: Record<string, unknown> = { ...(plan.returns ?? {}), changed: plan.changed, failed: plan.failed === true };
  if (plan.msg !== undefined) result.msg = plan.msg;
  return { plan, result, sent };
}
