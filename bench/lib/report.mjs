// Medians, ratios and the goals of issues 7 and 11, from the runs of one fleet size.
import { topCommands } from './acct.mjs';
import { median } from './timed.mjs';

/** Goals: tpx within 1.3× the floor and the minimal procedure; at most 60 processes per host that needs flush + install. */
const GOAL_RATIO = 1.3;
const GOAL_PROCESSES = 60;

/**
 * Per contender: medians over the successful runs (wall, CPU, peak RSS; with --acct, the run's
 * processes per host, and the commands of the run with the median count), and failures.
 * `allFlush`: every host of the fleet needs flush + install (the process goal applies).
 */
export function summarise(size, runs, { allFlush = false, latencyMs = 0 } = {}) {
  const out = { hosts: size, allFlush, latencyMs, contenders: {} };
  for (const [name, list] of Object.entries(runs)) {
    const ok = list.filter((r) => r.ok);
    const counted = ok.filter((r) => r.acct);
    const mid = counted.length ? [...counted].sort((a, b) => a.acct.processes.run - b.acct.processes.run)[Math.floor((counted.length - 1) / 2)] : undefined;
    out.contenders[name] = {
      runs: list.length,
      failed: list.length - ok.length,
      wallMs: median(ok.map((r) => r.wallMs)),
      wallMinMs: Math.min(...ok.map((r) => r.wallMs)),
      wallMaxMs: Math.max(...ok.map((r) => r.wallMs)),
      wallAllMs: list.map((r) => Math.round(r.wallMs)),
      cpuMs: median(ok.map((r) => r.cpuMs)),
      userMs: median(ok.map((r) => r.userMs)),
      sysMs: median(ok.map((r) => r.sysMs)),
      maxRssMb: Math.max(...list.map((r) => r.maxRssMb)),
      processesPerHost: mid ? mid.acct.processes.run / size : NaN,
      hostProcessesPerHost: mid ? (mid.acct.processes.hosts + mid.acct.processes.detached) / size : NaN,
      processesAllRuns: list.filter((r) => r.acct).map((r) => r.acct.processes),
      topCommandsPerHost: mid ? Object.fromEntries(topCommands(mid.acct, size, 15).map(([n, c]) => [n, Number(c.toFixed(2))])) : undefined,
    };
  }
  const c = out.contenders;
  out.ratios = {
    tpxOverFloor: c.tpx && c.floor ? c.tpx.wallMs / c.floor.wallMs : NaN,
    tpxOverMinimal: c.tpx && c.minimal ? c.tpx.wallMs / c.minimal.wallMs : NaN,
    ansibleOverTpx: c.tpx && c.ansible ? c.ansible.wallMs / c.tpx.wallMs : NaN,
    tpxCpuPerHostMs: c.tpx ? c.tpx.cpuMs / size : NaN,
    floorCpuPerHostMs: c.floor ? c.floor.cpuMs / size : NaN,
  };
  return out;
}

const fmt = (ms) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : 'n/a');
const verdict = (met) => (met === undefined ? '' : met ? 'MET' : 'NOT MET');

/** The table printed after each fleet size. */
export function formatSummary(size, s) {
  const what = [s.allFlush ? 'every host needs flush + install' : 'mixed versions', s.latencyMs ? `+${s.latencyMs} ms round trip` : '']
    .filter(Boolean)
    .join(', ');
  const lines = [`\n== ${size} hosts, all at once (${what}): medians of successful runs ==`];
  lines.push('  contender  wall median  [min–max]        (all runs, s)                 CPU (user+sys)   peak RSS   failed   processes/host (on the hosts)');
  for (const [name, c] of Object.entries(s.contenders)) {
    const procs = Number.isFinite(c.processesPerHost) ? `${c.processesPerHost.toFixed(1).padStart(7)} (${c.hostProcessesPerHost.toFixed(1)})` : '      —';
    const range = Number.isFinite(c.wallMinMs) ? `[${(c.wallMinMs / 1000).toFixed(2)}–${(c.wallMaxMs / 1000).toFixed(2)}]` : '';
    lines.push(
      `  ${name.padEnd(9)}  ${fmt(c.wallMs).padEnd(11)}  ${range.padEnd(15)}  (${c.wallAllMs.map((x) => (x / 1000).toFixed(2)).join(', ')})`.padEnd(88) +
        `${fmt(c.cpuMs).padEnd(17)}${c.maxRssMb.toFixed(0).padStart(5)} MB   ${`${c.failed}/${c.runs}`.padEnd(9)}${procs}`,
    );
  }
  const r = s.ratios;
  if (Number.isFinite(r.tpxOverFloor))
    lines.push(`  tpx / floor      ${r.tpxOverFloor.toFixed(2)}×   (goal ≤ ${GOAL_RATIO}×)  ${verdict(r.tpxOverFloor <= GOAL_RATIO)}`);
  if (Number.isFinite(r.tpxOverMinimal))
    lines.push(`  tpx / minimal    ${r.tpxOverMinimal.toFixed(2)}×   (goal ≤ ${GOAL_RATIO}×)  ${verdict(r.tpxOverMinimal <= GOAL_RATIO)}`);
  if (Number.isFinite(r.ansibleOverTpx)) lines.push(`  ansible / tpx    ${r.ansibleOverTpx.toFixed(2)}×   (goal ≥ 6×)    ${verdict(r.ansibleOverTpx >= 6)}`);
  if (Number.isFinite(r.tpxCpuPerHostMs) && Number.isFinite(r.floorCpuPerHostMs)) {
    lines.push(
      `  CPU per host: tpx ${r.tpxCpuPerHostMs.toFixed(1)} ms, OpenSSH clients (floor) ${r.floorCpuPerHostMs.toFixed(1)} ms  ${verdict(r.tpxCpuPerHostMs < r.floorCpuPerHostMs)}`,
    );
  }
  const tpx = s.contenders.tpx;
  if (tpx && Number.isFinite(tpx.processesPerHost)) {
    const goal = s.allFlush
      ? `(goal ≤ ${GOAL_PROCESSES} per host that needs flush + install)  ${verdict(tpx.processesPerHost <= GOAL_PROCESSES)}`
      : '(the goal of ≤ 60 is for a fleet that needs flush + install everywhere: --versions 2.8.3)';
    lines.push(`  tpx processes per host ${tpx.processesPerHost.toFixed(1)}  ${goal}`);
  }
  if (tpx) lines.push(`  tpx peak RSS ${tpx.maxRssMb.toFixed(0)} MB${size >= 200 ? `  (goal < 200 MB at 200 hosts) ${verdict(tpx.maxRssMb < 200)}` : ''}`);
  for (const [name, c] of Object.entries(s.contenders)) {
    if (!c.topCommandsPerHost) continue;
    const top = Object.entries(c.topCommandsPerHost).map(([n, x]) => `${n} ${x.toFixed(1)}`);
    lines.push(`  processes per host, ${name} (run with the median count): ${top.join(', ')}`);
  }
  return lines.join('\n');
}
