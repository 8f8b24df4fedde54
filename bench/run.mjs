#!/usr/bin/env node
// The upgrade benchmark of issues 7 and 11, in one command:
//
//   node bench/run.mjs [--hosts 30,100] [--rounds 5] [--contenders tpx,ansible,floor,minimal]
//                      [--versions 2.7.4,2.8.3,...] [--target-present] [--latency MS]
//                      [--timeout 600] [--no-startup] [--json FILE] [--keep-logs] [--acct]
//
// --acct: process accounting (Debian's acct) during each timed run, so every run line is
// followed by the machine's CPU per command (tpx, ssh, sshd, sudo, kumactl, python3, …) and
// the run's processes per host (the contender's process tree and the lab's hosts; other
// processes on the machine are left out), with the commands that make them.
// --versions: the hosts' seeds, round-robin (default: the mixed fleet of issue 7). Every seed
// 2.7.x, 2.8.x or *-nocomments (e.g. `--versions 2.8.3`) makes a fleet where every host needs
// flush + install; --target-present puts the target kumactl on every host beforehand
// (untimed, part of the starting state), so that no host needs the unpack.
// --latency MS: every host's connections get MS of round-trip time added by the lab bridge
// (MS/2 each way), set before each timed run and cleared after it.
// For each fleet size: brings up a lab fleet, then for R rounds, with the contenders' order
// rotating each round, reseeds every host to the same starting state (untimed, checked by a
// fingerprint), times the contender, and checks that every host ended upgraded. Prints
// medians, ratios, CPU, peak memory and processes; then times `tpx --version` and
// `tpx validate playbooks/upgrade.yaml`. Takes every lab down at the end, also on Ctrl-C.
// Needs root and `npm run build`.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { acctAvailable, formatAcct, formatProcesses, readAcct, startAcct, stopAcct, waitForChildren } from './lib/acct.mjs';
import { CONTENDERS } from './lib/contenders.mjs';
import { checkUpgraded, downFleet, fingerprintFleet, foreignFleet, placeTarget, reseedFleet, SEEDS, setFleetFault, TARGET, upFleet } from './lib/fleet.mjs';
import { ROOT } from './lib/paths.mjs';
import { formatSummary, summarise } from './lib/report.mjs';
import { measureStartup } from './lib/startup.mjs';
import { runTimed } from './lib/timed.mjs';

const { values: opt } = parseArgs({
  options: {
    hosts: { type: 'string', default: '30,100' },
    // Five: a median of five is the middle run, and one disturbed run cannot move it.
    rounds: { type: 'string', default: '5' },
    contenders: { type: 'string', default: 'tpx,ansible,floor,minimal' },
    versions: { type: 'string', default: SEEDS.join(',') },
    'target-present': { type: 'boolean', default: false },
    latency: { type: 'string', default: '0' },
    timeout: { type: 'string', default: '600' },
    'no-startup': { type: 'boolean', default: false },
    json: { type: 'string' },
    'keep-logs': { type: 'boolean', default: false },
    acct: { type: 'boolean', default: false },
    base: { type: 'string', default: `/var/tmp/tpx-bench-${process.pid}` },
  },
});

if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
  console.error('bench/run.mjs: build first (npm run build)');
  process.exit(1);
}
if (process.getuid?.() !== 0) {
  console.error('bench/run.mjs: the lab needs root');
  process.exit(1);
}

const sizes = opt.hosts.split(',').map(Number);
const rounds = Number(opt.rounds);
const names = opt.contenders.split(',');
for (const n of names) if (!CONTENDERS[n]) throw new Error(`unknown contender ${n} (${Object.keys(CONTENDERS).join(', ')})`);
const timeoutMs = Number(opt.timeout) * 1000;
const seeds = opt.versions.split(',');
/** Every host needs flush + install: its Kuma rules lack the marker (2.7, 2.8, comments disabled). */
const allFlush = seeds.every((v) => /^2\.[78]\./.test(v) || v.endsWith('-nocomments'));
const latencyMs = Number(opt.latency);
if (!Number.isFinite(latencyMs) || latencyMs < 0) {
  console.error('bench/run.mjs: --latency takes milliseconds (0 or more)');
  process.exit(5);
}
if (opt.acct && !acctAvailable()) {
  console.error('bench/run.mjs: --acct needs accton (apt-get install acct)');
  process.exit(1);
}

const liveDirs = new Set();
let stopping = false;
async function cleanUp() {
  if (opt.acct) {
    try {
      stopAcct();
    } catch {
      // Already off.
    }
  }
  for (const dir of liveDirs) {
    await downFleet(dir).catch((e) => console.error(`lab down ${dir}: ${e.message}`));
    liveDirs.delete(dir);
  }
  if (!opt['keep-logs']) rmSync(opt.base, { recursive: true, force: true });
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    console.error(`\n${sig}: taking the labs down`);
    cleanUp().finally(() => process.exit(130));
  });
}

const log = (line) => console.error(`  ${line}`);
const results = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
  fleet: { seeds, targetPresent: opt['target-present'], allFlush, latencyMs },
  sizes: {},
};

try {
  for (const size of sizes) {
    if (stopping) break;
    results.sizes[size] = await benchSize(size);
    console.log(formatSummary(size, results.sizes[size]));
  }
  if (!opt['no-startup'] && !stopping) {
    results.startup = measureStartup();
    const s = results.startup;
    console.log(`\ntpx start-up (fresh process each, median of ${s.runs}):`);
    console.log(`  tpx --version                    ${s.version.wallMs.toFixed(0)} ms wall, ${s.version.cpuMs.toFixed(0)} ms CPU   (goal < 150 ms)`);
    console.log(`  tpx validate playbooks/upgrade   ${s.validate.wallMs.toFixed(0)} ms wall, ${s.validate.cpuMs.toFixed(0)} ms CPU   (goal < 300 ms)`);
    console.log(`  node -e 0 (the floor of any node CLI) ${s.node.wallMs.toFixed(0)} ms`);
  }
  if (opt.json) writeFileSync(opt.json, JSON.stringify(results, null, 2) + '\n');
} finally {
  await cleanUp();
}

/** One fleet size: lab up, rounds of reseed → run → check per contender, lab down. */
async function benchSize(size) {
  const dir = join(opt.base, `lab-${size}`);
  const workDir = join(opt.base, `work-${size}`);
  mkdirSync(workDir, { recursive: true });
  console.error(
    `\n${size} hosts: lab up in ${dir} (load ${loadavg()[0].toFixed(1)}; seeds ${seeds.join(',')}${opt['target-present'] ? `, kumactl ${TARGET} present` : ''}${latencyMs ? `, +${latencyMs} ms round trip` : ''})`,
  );
  liveDirs.add(dir);
  const state = await upFleet(dir, size, log, seeds);
  const fleet = { state, workDir, packageFile: join(dir, 'packages', `kuma-${TARGET}.tar.gz`) };
  const present = opt['target-present'] ? fleet.packageFile : undefined;
  if (present) await placeTarget(state, present);
  const baseline = await fingerprintFleet(state);
  const foreign = await foreignFleet(state);
  for (const n of names) CONTENDERS[n].prepare(fleet);
  const runs = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds && !stopping; r++) {
    const order = names.map((_, i) => names[(i + r) % names.length]);
    for (const n of order) {
      if (stopping) break;
      const contender = CONTENDERS[n];
      const t0 = Date.now();
      await reseedFleet(state, baseline, { packageFile: present });
      const reseedMs = Date.now() - t0;
      const runId = `bench-${size}-${r}-${n}-${process.pid}`;
      const cmd = contender.command(fleet, runId);
      const outFile = join(workDir, `${runId}.out`);
      const acctFile = `${outFile}.acct`;
      if (latencyMs) await setFleetFault(state, { kind: 'delay', ms: latencyMs });
      const since = Math.floor(Date.now() / 1000);
      if (opt.acct) startAcct(acctFile);
      const t = await runTimed(cmd.file, cmd.args, { outFile, env: cmd.env, timeoutMs });
      if (opt.acct) {
        // Untimed: the hosts' sshd still closing are the run's too (Ansible's ControlPersist ones stay: 3 s at most).
        await waitForChildren(state.bridgePid, 3000);
        stopAcct();
      }
      // The contender's tree (under /usr/bin/time, started by this process) and the lab's hosts (under its bridge).
      const acct = opt.acct ? readAcct(acctFile, { controller: [process.pid, t.pid], hosts: [state.bridgePid], since }, { keep: opt['keep-logs'] }) : undefined;
      contender.after(fleet);
      if (latencyMs) await setFleetFault(state, null);
      const bad = await checkUpgraded(state, { records: contender.records, foreign });
      const ok = t.code === 0 && !t.timedOut && bad.length === 0;
      runs[n].push({ ...t, ok, notUpgraded: bad.length, outFile, acct });
      console.error(
        `  round ${r + 1} ${n.padEnd(7)} ${(t.wallMs / 1000).toFixed(2).padStart(7)} s  CPU ${(t.cpuMs / 1000).toFixed(2)} s  RSS ${t.maxRssMb.toFixed(0)} MB  exit ${t.code}${t.timedOut ? ' (timed out)' : ''}  ${bad.length ? `NOT UPGRADED: ${bad.length} (${bad.slice(0, 3).join('; ')})` : 'all upgraded'}  [reseed ${(reseedMs / 1000).toFixed(1)} s, untimed]`,
      );
      if (acct) console.error(`    ${formatAcct(acct)}\n    ${formatProcesses(acct, size)}`);
      if (!ok) console.error(`    output: ${outFile}`);
    }
  }
  await downFleet(dir);
  liveDirs.delete(dir);
  return summarise(size, runs, { allFlush, latencyMs });
}
