import { connect } from 'node:net';
import { readLabState } from './state.js';
import type { LabFault } from './types.js';

/**
 * Makes the bridge play a connection fault for one host, or clears it with null:
 * `refuse` closes the host's port (ECONNREFUSED), `hang` accepts and never answers,
 * `drop` serves normally and resets the TCP connection `afterMs` after it was accepted,
 * `delay` adds `ms` of round-trip time (`ms / 2` each way) to the connections made while it is
 * set, for their whole life (clearing it does not speed up a connection already made).
 * Resolves once the fault is in effect; it lasts until changed (also across a bridge restart).
 * A malformed fault is refused by the bridge (the promise rejects).
 */
export async function setLabFault(dir: string, host: string, fault: LabFault): Promise<void> {
  const state = await readLabState(dir);
  if (!state) throw new Error(`no lab in ${dir}`);
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = connect(state.controlSocket);
    let buf = '';
    socket.setEncoding('utf8');
    socket.setTimeout(10_000, () => socket.destroy(new Error('the lab bridge did not answer within 10 s')));
    socket.on('data', (c: string) => (buf += c));
    socket.on('end', () => resolve(buf.trim()));
    socket.on('error', reject);
    socket.write(JSON.stringify({ host, fault }) + '\n');
  });
  if (answer !== 'ok') throw new Error(`setLabFault ${host}: ${answer || 'no answer from the lab bridge'}`);
}
