// Medians, ratios and the goals of issue 7, from the runs of one fleet size.
import { median } from './timed.mjs';

/** Per contender: medians over the successful runs (wall, CPU, peak RSS), and failures. */
export function summarise(size, runs) {
  const out = { hosts: size, contenders: {} };
  for (const [name, list] of Object.entries(runs)) {
    const ok = list.filter((r) => r.ok);
    out.contenders[name] = {
      runs: list.length,
      failed: list.length - ok.length,
      wallMs: median(ok.map((r) => r.wallMs)),
      wallAllMs: list.map((r) => Math.round(r.wallMs)),
      cpuMs: median(ok.map((r) => r.cpuMs)),
      userMs: median(ok.map((r) => r.userMs)),
      sysMs: median(ok.map((r) => r.sysMs)),
      maxRssMb: Math.max(...list.map((r) => r.maxRssMb)),
    };
  }
  const c = out.contenders;
  out.ratios = {
    tpxOverFloor: c.tpx && c.floor ? c.tpx.wallMs / c.floor.wallMs : NaN,
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
  const lines = [`\n== ${size} hosts, all at once: medians of successful runs ==`];
  lines.push('  contender  wall        (all runs, s)              CPU (user+sys)   peak RSS   failed');
  for (const [name, c] of Object.entries(s.contenders)) {
    lines.push(`  ${name.padEnd(9)}  ${fmt(c.wallMs).padEnd(10)}  (${c.wallAllMs.map((x) => (x / 1000).toFixed(2)).join(', ')})`.padEnd(58) + `${fmt(c.cpuMs).padEnd(17)}${c.maxRssMb.toFixed(0).padStart(5)} MB   ${c.failed}/${c.runs}`);
  }
  const r = s.ratios;
  if (Number.isFinite(r.tpxOverFloor)) lines.push(`  tpx / floor      ${r.tpxOverFloor.toFixed(2)}×   (goal ≤ 1.3×)  ${verdict(r.tpxOverFloor <= 1.3)}`);
  if (Number.isFinite(r.ansibleOverTpx)) lines.push(`  ansible / tpx    ${r.ansibleOverTpx.toFixed(2)}×   (goal ≥ 6×)    ${verdict(r.ansibleOverTpx >= 6)}`);
  if (Number.isFinite(r.tpxCpuPerHostMs) && Number.isFinite(r.floorCpuPerHostMs)) {
    lines.push(`  CPU per host: tpx ${r.tpxCpuPerHostMs.toFixed(1)} ms, OpenSSH clients (floor) ${r.floorCpuPerHostMs.toFixed(1)} ms  ${verdict(r.tpxCpuPerHostMs < r.floorCpuPerHostMs)}`);
  }
  if (s.contenders.tpx) lines.push(`  tpx peak RSS ${s.contenders.tpx.maxRssMb.toFixed(0)} MB${size >= 200 ? `  (goal < 200 MB at 200 hosts) ${verdict(s.contenders.tpx.maxRssMb < 200)}` : ''}`);
  return lines.join('\n');
}
