#!/usr/bin/env node
// What one round trip costs: on one lab host (a small lab of its own, or --lab DIR), over
// tpx's own transport (one connection, as `tpx run` uses it), sequential:
//   exec `true` without and with become (sudo), a put without and with become, and the cost
//   of sudo itself on the host (no SSH), plus tpx's CPU per operation.
//
//   node bench/round-trip.mjs [--n 30] [--lab DIR] [--latency MS]
// --latency adds MS of round-trip time to the connection (the lab bridge's `delay` fault): an
// operation's wall time over MS is the number of round trips it waits for.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { downFleet, upFleet } from './lib/fleet.mjs';
import { ROOT } from './lib/paths.mjs';
import { median } from './lib/timed.mjs';

const { values: opt } = parseArgs({ options: { n: { type: 'string', default: '30' }, lab: { type: 'string' }, latency: { type: 'string', default: '0' } } });
const N = Number(opt.n);
const LATENCY = Number(opt.latency);
const { connectSsh } = await import(join(ROOT, 'dist', 'transport', 'ssh', 'index.js'));
const labApi = await import(join(ROOT, 'dist', 'lab', 'index.js'));

const ownDir = opt.lab ? undefined : `/var/tmp/tpx-rtt-${process.pid}`;
let state;
try {
  state = opt.lab ? await labApi.readLabState(opt.lab) : await upFleet(ownDir, 1);
  const h = state.hosts[0];
  const spec = {
    name: h.name,
    host: '127.0.0.1',
    port: h.port,
    user: state.user,
    identityFiles: [state.identityFile],
    proxyJump: [],
    knownHostsFile: state.knownHostsFile,
    hostKeyChecking: 'strict',
    connectTimeoutMs: 20_000,
  };
  if (LATENCY > 0) await labApi.setLabFault(opt.lab ?? ownDir, h.name, { kind: 'delay', ms: LATENCY });
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const conn = await connectSsh(spec);
  const connectMs = performance.now() - t0;
  const connectCpu = cpuMs(process.cpuUsage(c0));
  if (LATENCY > 0) await labApi.setLabFault(opt.lab ?? ownDir, h.name, null);
  console.log(
    `lab host ${h.name}${LATENCY > 0 ? `, ${LATENCY} ms round trip added` : ''}, ${N} sequential operations each (median wall; tpx CPU per operation):`,
  );
  console.log(`  connect (TCP + SSH handshake + auth)      ${connectMs.toFixed(1).padStart(6)} ms   CPU ${connectCpu.toFixed(1)} ms`);
  const rows = [
    ['exec `true`', () => conn.exec('true')],
    ['exec `true` with become (sudo -n)', () => conn.exec('true', { become: true })],
    ['exec of 5 commands in one channel, become', () => conn.exec('true; true; true; true; true', { become: true })],
    ['put 16 KB, no become (sftp + rename)', () => conn.put(Buffer.alloc(16_384, 65), '/tmp/tpx-rtt-file', { mode: 0o644 })],
    ['put 16 KB with become (sftp + sudo install)', () => conn.put(Buffer.alloc(16_384, 65), '/var/lib/tpx/rtt-file', { mode: 0o644, become: true })],
    ['16 KB on stdin of one become exec', () => conn.exec('cat > /var/lib/tpx/rtt-file2', { become: true, stdin: Buffer.alloc(16_384, 65) })],
  ];
  for (const [label, op] of rows) {
    const wall = [];
    const c = process.cpuUsage();
    for (let i = 0; i < N; i++) {
      const s = performance.now();
      const r = await op();
      if (r && r.rc !== 0) throw new Error(`${label}: rc ${r.rc}: ${r.stderr}`);
      wall.push(performance.now() - s);
    }
    console.log(`  ${label.padEnd(42)} ${median(wall).toFixed(1).padStart(6)} ms   CPU ${(cpuMs(process.cpuUsage(c)) / N).toFixed(1)} ms`);
  }
  await conn.close();
  // sudo on the host itself, no SSH: what each `become` costs the host's CPU.
  const loop = (cmd) => `su -s /bin/sh ${state.user} -c 'i=0; while [ $i -lt ${N} ]; do ${cmd}; i=$((i+1)); done'`;
  for (const [label, cmd] of [
    ['sh -c true (no sudo), on the host', 'sh -c true'],
    ['sudo -n -u root -- sh -c true, on the host', 'sudo -n -u root -- sh -c true'],
  ]) {
    const r = await labApi.hostExec(state, h, `/usr/bin/time -f '%e %U %S' sh -c ${quote(loop(cmd))} 2>&1 | tail -n 1`, { timeoutMs: 120_000 });
    const [e, u, s] = r.stdout.trim().split(/\s+/).map(Number);
    console.log(`  ${label.padEnd(42)} ${((e * 1000) / N).toFixed(1).padStart(6)} ms   host CPU ${(((u + s) * 1000) / N).toFixed(1)} ms`);
  }
} finally {
  if (ownDir) await downFleet(ownDir);
}

function cpuMs(u) {
  return (u.user + u.system) / 1000;
}
function quote(s) {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
