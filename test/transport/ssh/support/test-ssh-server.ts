import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { writeFakeSudo } from './fake-sudo.js';

/** What the in-process test server does. */
export interface TestServerOptions {
  /** Public key (OpenSSH text) accepted for publickey auth. */
  readonly authorizedKey?: string;
  readonly password?: string;
  /** When set, the fake sudo asks for this password. */
  readonly sudoPassword?: string;
  /** Sessions allowed at once (like MaxSessions); extra session requests are refused. */
  readonly maxSessions?: number;
  /** Commands containing this text (in the request or on stdin) make the server kill the connection after the first output. */
  readonly dropMarker?: string;
}

/** A running ssh2 server on 127.0.0.1 that runs exec requests with the local `sh`, each in its own session (setsid), like sshd. */
export interface TestSshServer {
  readonly port: number;
  readonly hostKey: ssh2.ParsedKey;
  readonly hostPublicKey: string;
  /** Highest number of sessions seen open at once. */
  readonly peakSessions: () => number;
  readonly dir: string;
  close(): Promise<void>;
}

/** Generates an ed25519 key pair in OpenSSH format. */
export function generateKeyPair(type: 'ed25519' | 'ecdsa' | 'rsa' = 'ed25519', passphrase?: string) {
  const opts: Record<string, unknown> = type === 'rsa' ? { bits: 2048 } : type === 'ecdsa' ? { bits: 256 } : {};
  if (passphrase) Object.assign(opts, { passphrase, cipher: 'aes256-cbc' });
  const generate = ssh2.utils.generateKeyPairSync as (t: string, o: Record<string, unknown>) => { private: string; public: string };
  // ssh2 (1.17) cannot parse about 1 in 200 of the ed25519 keys it generates itself
  // ("Malformed OpenSSH private key"): generate again until it can.
  for (let attempt = 1; ; attempt++) {
    const pair = generate(type, opts);
    if (!(ssh2.utils.parseKey(pair.private, passphrase) instanceof Error) || attempt === 20) return pair;
  }
}

/** Starts the server; close() stops it and every process it started. */
export async function startTestSshServer(options: TestServerOptions = {}): Promise<TestSshServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tpx-sshd-'));
  const sudoDir = writeFakeSudo(join(dir, 'bin'));
  const hostPair = generateKeyPair('ed25519');
  const hostKey = ssh2.utils.parseKey(hostPair.private) as ssh2.ParsedKey;
  const allowed = options.authorizedKey ? (ssh2.utils.parseKey(options.authorizedKey) as ssh2.ParsedKey) : undefined;
  const children = new Set<number>();
  const connections = new Set<ssh2.Connection>();
  let open = 0;
  let peak = 0;

  const server = new ssh2.Server({ hostKeys: [hostPair.private] }, (client) => {
    connections.add(client);
    client.on('close', () => connections.delete(client));
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method === 'publickey' && allowed && ctx.key.data.equals(allowed.getPublicSSH())) {
        if (!ctx.signature) return ctx.accept();
        if (allowed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo)) return ctx.accept();
      }
      if (ctx.method === 'password' && options.password !== undefined && ctx.password === options.password) return ctx.accept();
      ctx.reject(['publickey', 'password']);
    });
    client.on('ready', () => {
      // direct-tcpip, so the server can be a jump host
      client.on('tcpip', (accept, reject, info) => {
        const socket = connect(info.destPort, info.destIP);
        socket.once('error', () => reject());
        socket.once('connect', () => {
          const channel = accept();
          socket.pipe(channel).pipe(socket);
          socket.on('error', () => channel.destroy());
          channel.on('error', () => socket.destroy());
        });
      });
      client.on('session', (acceptSession, rejectSession) => {
        if (options.maxSessions !== undefined && open >= options.maxSessions) return rejectSession();
        const session = acceptSession();
        open++;
        peak = Math.max(peak, open);
        let counted = true;
        const done = (): void => {
          if (counted) open--;
          counted = false;
        };
        session.on('close', done);
        session.on('exec', (accept, _reject, info) => {
          const stream = accept();
          stream.on('close', done);
          const child = spawn('/bin/sh', ['-c', info.command], {
            detached: true,
            env: { ...process.env, PATH: `${sudoDir}:${process.env.PATH}`, FAKE_SUDO_PASSWORD: options.sudoPassword ?? '' },
          });
          if (child.pid) children.add(child.pid);
          // The marker may come in the exec request or, on a spare channel, on stdin.
          let dropping = options.dropMarker !== undefined && info.command.includes(options.dropMarker);
          stream.on('data', (d: Buffer) => {
            if (options.dropMarker !== undefined && d.toString().includes(options.dropMarker)) dropping = true;
          });
          stream.pipe(child.stdin).on('error', () => undefined);
          child.stdin.on('error', () => undefined);
          child.stdout.on('data', (d: Buffer) => {
            stream.write(d);
            if (dropping) setTimeout(() => client.end(), 50);
          });
          child.stderr.on('data', (d: Buffer) => stream.stderr.write(d));
          child.on('close', (code, signal) => {
            if (child.pid) children.delete(child.pid);
            if (!stream.writable) return;
            if (signal) stream.exit(signal.replace(/^SIG/, ''), false, '');
            else stream.exit(code ?? 0);
            stream.end();
          });
        });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    hostKey,
    hostPublicKey: `ssh-ed25519 ${hostKey.getPublicSSH().toString('base64')}`,
    peakSessions: () => peak,
    dir,
    close: async () => {
      for (const pid of children) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      for (const c of connections) c.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
