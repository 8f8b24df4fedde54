import { connect } from 'node:net';
import { isAlive } from './processes.js';
import { readLabState } from './state.js';
import type { LabState } from './types.js';

/** One host's line in `lab status`. */
export interface LabHostStatus {
  readonly name: string;
  readonly port: number;
  readonly seed: string;
  readonly ipv4: string;
  readonly ipv6: string;
  /** The host's sshd answered with an SSH banner through the bridge. */
  readonly reachable: boolean;
}

/** The state of a lab and, per host, whether its sshd answers; null when there is no lab in `dir`. */
export async function labStatus(dir: string): Promise<{ state: LabState; bridgeAlive: boolean; hosts: LabHostStatus[] } | null> {
  const state = await readLabState(dir);
  if (!state) return null;
  const bridgeAlive = state.bridgePid !== null && isAlive(state.bridgePid);
  const hosts = await Promise.all(
    state.hosts.map(async (h) => ({
      name: h.name,
      port: h.port,
      seed: h.seed,
      ipv4: h.ipv4,
      ipv6: h.ipv6,
      reachable: bridgeAlive && (await sshBanner(h.port)),
    })),
  );
  return { state, bridgeAlive, hosts };
}

/** True when 127.0.0.1:port sends an `SSH-2.0-` banner within 3 s. */
export function sshBanner(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let buf = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(3000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('data', (c) => {
      buf += c.toString('latin1');
      if (buf.includes('\n')) done(buf.startsWith('SSH-2.0-'));
    });
  });
}
