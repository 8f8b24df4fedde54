import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ModuleArgsError } from '../../src/modules/module-args.js';
import { normaliseWaitFor, waitForCommand, waitForModule, waitForSettings } from '../../src/modules/wait-for.js';
import { HOSTILE_NAMES } from './fixtures.js';
import { makeContext, runLocally, runShell } from './local-executor.js';

/** wait_for's search_regex on a port and state drained, against real TCP ends in other processes. */

const PEER = fileURLToPath(new URL('../fixtures/wait-for/tcp-peer.mjs', import.meta.url));
const ctx = makeContext();
const peers: ChildProcess[] = [];
afterAll(() => {
  for (const p of peers) if (p.exitCode === null) p.kill();
});

/** Runs tcp-peer.mjs and resolves with its first line (runLocally blocks this process: the peers are others). */
function peer(args: string[]): Promise<string> {
  const child = spawn(process.execPath, [PEER, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  peers.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', (data: Buffer) => resolve(data.toString().trim()));
    child.once('exit', (code) => reject(new Error(`tcp-peer ${args.join(' ')} exited with ${code}`)));
  });
}

/** Ports on 127.0.0.1: the first sends `SSH-2.0-OpenSSH_9.2 tpx`, the second `220 ready`, the third nothing. */
async function servePorts(): Promise<number[]> {
  const line = await peer(['serve', '30', '0=SSH-2.0-OpenSSH_9.2 tpx', '0=220 ready', '0']);
  return line.split(' ').slice(1).map(Number);
}

describe('wait_for: parameters of search_regex on a port and state drained', () => {
  it.each<[Record<string, unknown>, RegExp]>([
    [{ port: 1, state: 'drained', active_connection_states: ['LISTEN'] }, /^unknown active_connection_state \(LISTEN\) defined$/],
    [{ port: 1, active_connection_states: 'ESTABLISHED,CLOSING' }, /unknown active_connection_state \(CLOSING\) defined/],
    [{ port: 1, exclude_hosts: ['10.0.0.1'] }, /^exclude_hosts should only be with state=drained$/],
    [{ path: '/x', state: 'drained' }, /^state=drained should only be used for checking a port in the wait_for module$/],
    [{ state: 'drained' }, /state=drained needs 'port'/],
  ])('rejects %j', (args, message) => {
    expect(() => normaliseWaitFor(args)).toThrow(ModuleArgsError);
    expect(() => normaliseWaitFor(args)).toThrow(message);
  });

  it('takes Ansible list parameters as lists or comma-separated strings', () => {
    expect(normaliseWaitFor({ port: 1, state: 'drained' }).activeConnectionStates).toEqual([
      'ESTABLISHED',
      'FIN_WAIT1',
      'FIN_WAIT2',
      'SYN_RECV',
      'SYN_SENT',
      'TIME_WAIT',
    ]);
    expect(normaliseWaitFor({ port: 1, state: 'drained', exclude_hosts: '10.0.0.1,::1', active_connection_states: 'ESTABLISHED' })).toMatchObject({
      excludeHosts: ['10.0.0.1', '::1'],
      activeConnectionStates: ['ESTABLISHED'],
    });
  });

  it('puts no task data on the command line: the settings go on stdin and read back exactly', () => {
    // A host starting with `-` is refused (it would read as an option); the rest go through.
    for (const name of HOSTILE_NAMES.filter((n) => !n.startsWith('-'))) {
      const p = normaliseWaitFor({ port: 22, host: name, search_regex: name.replace(/[\\*$()`|]/g, '.') });
      expect(waitForCommand(p)).toBe(waitForCommand(normaliseWaitFor({ port: 1, search_regex: 'x' })));
      // The settings, evaluated as the script evaluates them, give back every value as it was.
      const r = runShell(`eval "$(cat)"; printf '%s\\0' "$host" "$regex" "$portreq"`, '/', waitForSettings(p));
      const [host, regex, portreq] = r.stdout.split('\0');
      expect({ host, regex, portreq: JSON.parse(portreq) }).toEqual({
        host: name,
        regex: p.searchRegex,
        portreq: { host: name, port: 22, regex: p.searchRegex, connect_timeout: 5 },
      });
    }
    // The python3 helper goes with search_regex on a port only.
    expect(waitForCommand(normaliseWaitFor({ port: 22 }))).not.toContain('import socket');
    expect(waitForCommand(normaliseWaitFor({ port: 22, search_regex: 'x' }))).toContain('import socket');
  });
});

describe('wait_for: search_regex on a port, on this machine', () => {
  it("matches what the service sends (across pieces); match_groups stay empty, as Ansible's", async () => {
    const [ssh, smtp] = await servePorts();
    const run = await runLocally(waitForModule, { port: ssh, search_regex: '^SSH-(?P<v>[0-9.]+)-(\\w+)', timeout: 5 }, ctx);
    expect(run.failed, run.msg).toBe(false);
    expect(run.plan.returns).toEqual({
      state: 'started',
      port: ssh,
      search_regex: '^SSH-(?P<v>[0-9.]+)-(\\w+)',
      match_groups: [],
      match_groupdict: {},
      path: null,
      elapsed: 0,
    });
    // "220 ready" arrives as "220 r" and, 200 ms later, "eady\r\n" (which `ready$` does not match: \r).
    expect((await runLocally(waitForModule, { port: smtp, host: 'localhost', search_regex: '^220 ready', timeout: 5 }, ctx)).failed).toBe(false);
    expect((await runLocally(waitForModule, { port: smtp, search_regex: 'ready$', timeout: 1 }, ctx)).failed).toBe(true);
  });

  it("times out with Ansible's message when the service says something else, nothing, or is closed", async () => {
    const [ssh, , silent] = await servePorts();
    // Connected, Ansible reads until the time is up, then still sleeps once: 1 s + sleep.
    const cases: [number, string, number][] = [
      [ssh, `Timeout when waiting for search string FTP in 127.0.0.1:${ssh}`, 2],
      [silent, `Timeout when waiting for search string FTP in 127.0.0.1:${silent}`, 2],
      [1, 'Timeout when waiting for search string FTP in 127.0.0.1:1', 1],
    ];
    for (const [port, msg, elapsed] of cases) {
      const run = await runLocally(waitForModule, { port, search_regex: 'FTP', timeout: 1 }, ctx);
      expect(run.plan, msg).toMatchObject({ failed: true, msg, returns: { elapsed } });
    }
  });

  it('reports a pattern Python refuses', async () => {
    const run = await runLocally(waitForModule, { port: 1, search_regex: '(?<=a+)b', timeout: 2 }, ctx);
    expect(run.plan).toMatchObject({ failed: true, msg: expect.stringMatching(/^Invalid regular expression: look-behind requires fixed-width pattern/) });
  });
});

describe('wait_for: state drained, on this machine', () => {
  it('passes at once without connections, waits for a held one to close, and honours exclude_hosts and active_connection_states', async () => {
    const [, , port] = await servePorts();
    expect((await runLocally(waitForModule, { port, state: 'drained', timeout: 3 }, ctx)).plan).toMatchObject({
      changed: false,
      returns: { state: 'drained', port, search_regex: null, match_groups: [], match_groupdict: {}, path: null, elapsed: 0 },
    });
    expect(await peer(['hold', '20', String(port), '2'])).toBe('connected');
    const waited = await runLocally(waitForModule, { port, state: 'drained', timeout: 10 }, ctx);
    expect(waited.failed, waited.msg).toBe(false);
    expect(waited.plan.returns!.elapsed).toBeGreaterThanOrEqual(1);
    expect(waited.plan.returns!.elapsed).toBeLessThanOrEqual(4);

    expect(await peer(['hold', '20', String(port), '0'])).toBe('connected');
    const cases: [Record<string, unknown>, string | undefined][] = [
      [{}, `Timeout when waiting for 127.0.0.1:${port} to drain`],
      [{ host: 'localhost' }, `Timeout when waiting for localhost:${port} to drain`],
      [{ host: '0.0.0.0', msg: 'still busy' }, 'still busy'],
      [{ exclude_hosts: ['127.0.0.1'] }, undefined],
      [{ exclude_hosts: 'localhost' }, undefined],
      [{ active_connection_states: ['TIME_WAIT', 'SYN_RECV'] }, undefined],
      // The connection is on an IPv4 socket: ::1, and ::ffff:127.0.0.1 (which only an IPv6 socket has), see none.
      [{ host: '::1' }, undefined],
      [{ host: '::ffff:127.0.0.1' }, undefined],
    ];
    for (const [args, msg] of cases) {
      const run = await runLocally(waitForModule, { port, state: 'drained', timeout: 1, ...args }, ctx);
      if (msg === undefined) expect(run.plan, JSON.stringify(args)).toMatchObject({ changed: false, returns: { state: 'drained', elapsed: 0 } });
      else expect(run.plan, JSON.stringify(args)).toMatchObject({ failed: true, msg, returns: { elapsed: 1 } });
    }
  }, 30_000);

  it('reads IPv6 sockets too: IPv4 connections to a dual-stack service, and IPv6 ones', async () => {
    const [dual, v6] = (await peer(['serve', '30', '0@::', '0@::1'])).split(' ').slice(1).map(Number);
    expect(await peer(['hold', '20', String(dual), '0', '127.0.0.1'])).toBe('connected');
    expect(await peer(['hold', '20', String(v6), '0', '::1'])).toBe('connected');
    // [port, host, exclude_hosts, whether a connection counts]
    const cases: [number, string, string[] | undefined, boolean][] = [
      // On the dual-stack socket the IPv4 connection's local address is ::ffff:127.0.0.1 (tcp6).
      [dual, '127.0.0.1', undefined, true],
      [dual, '0.0.0.0', undefined, true],
      [dual, '::ffff:127.0.0.1', undefined, true],
      [dual, '::1', undefined, false],
      [dual, '127.0.0.1', ['127.0.0.1'], false],
      [v6, '::1', undefined, true],
      [v6, '::', undefined, true],
      [v6, '0.0.0.0', undefined, false],
      [v6, '::1', ['::1'], false],
      [v6, '::', ['127.0.0.1'], true],
    ];
    for (const [port, host, exclude, counts] of cases) {
      const args = { port, host, state: 'drained', timeout: 1, ...(exclude ? { exclude_hosts: exclude } : {}) };
      const run = await runLocally(waitForModule, args, ctx);
      expect(run.failed, `${JSON.stringify(args)}: ${run.msg}`).toBe(counts);
    }
  }, 30_000);

  it('names a host that does not resolve', async () => {
    const run = await runLocally(waitForModule, { port: 1, state: 'drained', exclude_hosts: ['no-such-host.invalid'], timeout: 1 }, ctx);
    expect(run.plan).toMatchObject({ failed: true, msg: 'cannot resolve no-such-host.invalid on the host (getent ahosts found no address)' });
  });
});
