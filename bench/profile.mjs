#!/usr/bin/env node
// Where tpx's time goes on the upgrade, all hosts at once:
//
//   node bench/profile.mjs [--hosts 30] [--out DIR] [--no-cpu-prof] [--latency MS]
//
// Brings up a lab, runs `tpx run` of the upgrade once under `node --cpu-prof` with
// bench/lib/count-channels.mjs loaded, checks every host ended upgraded, takes the lab down,
// and prints: SSH connections and channels per host (exec / sftp / under sudo) with their
// durations, per-task durations from the plain output, event-loop delay, and the CPU profile
// summarised by where the code lives (ssh2 and crypto, template, engine, reporters, YAML, …).
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { tpx } from './lib/contenders.mjs';
import { checkUpgraded, downFleet, setFleetFault, TARGET, upFleet } from './lib/fleet.mjs';
import { BENCH } from './lib/paths.mjs';
import { summariseCpuProfile } from './lib/cpu-profile.mjs';
import { median, runTimed } from './lib/timed.mjs';

const { values: opt } = parseArgs({
  options: {
    hosts: { type: 'string', default: '30' },
    out: { type: 'string', default: `/var/tmp/tpx-profile-${process.pid}` },
    'no-cpu-prof': { type: 'boolean', default: false },
    timeout: { type: 'string', default: '600' },
    latency: { type: 'string', default: '0' },
  },
});
const size = Number(opt.hosts);
const out = opt.out;
const dir = join(out, 'lab');
mkdirSync(out, { recursive: true });
let down = false;
const takeDown = async () => {
  if (!down) {
    down = true;
    await downFleet(dir).catch((e) => console.error(`lab down: ${e.message}`));
  }
};
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => takeDown().finally(() => process.exit(130)));

try {
  console.error(`lab up: ${size} hosts in ${dir}`);
  const state = await upFleet(dir, size);
  const fleet = { state, workDir: out, packageFile: join(dir, 'packages', `kuma-${TARGET}.tar.gz`) };
  tpx.prepare(fleet);
  const profDir = join(out, 'cpu-prof');
  rmSync(profDir, { recursive: true, force: true });
  const nodeArgs = ['--import', join(BENCH, 'lib', 'count-channels.mjs')];
  if (!opt['no-cpu-prof']) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${profDir}`, '--cpu-prof-interval=200');
  const cmd = tpx.command(fleet, `profile-${process.pid}`, nodeArgs);
  const channelsFile = join(out, 'channels.json');
  const outFile = join(out, 'tpx.out');
  const latencyMs = Number(opt.latency);
  if (latencyMs > 0) await setFleetFault(state, { kind: 'delay', ms: latencyMs });
  const t = await runTimed(cmd.file, cmd.args, { outFile, env: { ...cmd.env, BENCH_CHANNELS_FILE: channelsFile }, timeoutMs: Number(opt.timeout) * 1000 });
  if (latencyMs > 0) await setFleetFault(state, null);
  const bad = await checkUpgraded(state);
  await takeDown();
  console.log(
    `tpx run, ${size} hosts${latencyMs > 0 ? `, +${latencyMs} ms round trip` : ''}, all at once: ${(t.wallMs / 1000).toFixed(2)} s wall, CPU ${(t.cpuMs / 1000).toFixed(2)} s (user ${(t.userMs / 1000).toFixed(2)}, sys ${(t.sysMs / 1000).toFixed(2)}), peak RSS ${t.maxRssMb.toFixed(0)} MB, exit ${t.code}, ${bad.length ? `NOT UPGRADED: ${bad.join('; ')}` : 'all hosts upgraded'}`,
  );
  console.log('(profiling itself slows tpx down; take wall times from bench/run.mjs)\n');
  printChannels(JSON.parse(readFileSync(channelsFile, 'utf8')));
  printTasks(readFileSync(outFile, 'utf8'));
  if (!opt['no-cpu-prof']) {
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    console.log(summariseCpuProfile(JSON.parse(readFileSync(join(profDir, file), 'utf8'))));
    console.log(`\nprofile: ${join(profDir, file)} (open in Chrome DevTools → Performance)`);
  }
} finally {
  await takeDown();
}

function printChannels(data) {
  const hosts = Object.values(data.hosts);
  const per = (f) => median(hosts.map(f));
  const chans = hosts.flatMap((h) => h.channels);
  console.log(`SSH per host (median over ${hosts.length} hosts):`);
  console.log(`  connections ${per((h) => h.connects)}, handshake ${per((h) => median(h.connectMs)).toFixed(0)} ms`);
  console.log(
    `  channels ${per((h) => h.channels.length)}: exec ${per((h) => h.channels.filter((c) => c.kind === 'exec').length)} (under sudo ${per((h) => h.channels.filter((c) => c.sudo).length)}), sftp ${per((h) => h.channels.filter((c) => c.kind === 'sftp').length)}`,
  );
  console.log(`  channel open (request → confirmed): median ${median(chans.map((c) => c.openMs)).toFixed(1)} ms`);
  console.log(`  event loop delay: max ${data.loop.maxMs.toFixed(0)} ms, p99 ${data.loop.p99Ms.toFixed(0)} ms, mean ${data.loop.meanMs.toFixed(1)} ms`);
  // The channels of one host in order, each with its lifetime: the round trips of the playbook.
  const first = Object.entries(data.hosts).sort(([a], [b]) => a.localeCompare(b))[0];
  console.log(`\n  the channels of one host (${first[0]}), in order — lifetime in ms (median over all hosts for the same position):`);
  const byPos = [];
  for (const h of hosts) h.channels.forEach((c, i) => (byPos[i] ??= []).push(c.ms));
  first[1].channels.forEach((c, i) => {
    const what = c.kind === 'sftp' ? 'sftp session' : `${c.sudo ? 'sudo ' : ''}${c.command}`;
    console.log(`   ${String(i + 1).padStart(2)}. ${median(byPos[i]).toFixed(0).padStart(5)} ms  ${what.slice(0, 100)}`);
  });
  console.log('');
}

function printTasks(text) {
  const tasks = new Map();
  for (const line of text.split('\n')) {
    const m = /^\[[^\]]+\] (.+): (ok|changed|skipped|failed)(?: \(([\d.]+)s\))?/.exec(line);
    if (!m) continue;
    if (!tasks.has(m[1])) tasks.set(m[1], { n: 0, s: [], status: new Map() });
    const t = tasks.get(m[1]);
    t.n += 1;
    if (m[3]) t.s.push(Number(m[3]));
    t.status.set(m[2], (t.status.get(m[2]) ?? 0) + 1);
  }
  console.log('tasks, from the plain output (median per host; max):');
  for (const [name, t] of tasks) {
    const st = [...t.status].map(([k, v]) => `${k} ${v}`).join(', ');
    const med = t.s.length ? `${(median(t.s) * 1000).toFixed(0).padStart(5)} ms; ${(Math.max(...t.s) * 1000).toFixed(0).padStart(5)} ms` : '      —        ';
    console.log(`  ${med}  ${name.slice(0, 70).padEnd(70)} ${st}`);
  }
  console.log('');
}
