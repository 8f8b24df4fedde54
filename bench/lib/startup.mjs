// Start-up figures: `tpx --version` and `tpx validate playbooks/upgrade.yaml`, a fresh process
// each run (hyperfine-like: warm-up, then the median of RUNS), with CPU from GNU time.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, TPX } from './paths.mjs';
import { median } from './timed.mjs';

function timeCommand(args, runs) {
  const wall = [];
  const cpu = [];
  spawnSync(process.execPath, args, { stdio: 'ignore' }); // warm-up (page cache)
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-f', 'BENCHCPU %U %S', process.execPath, ...args], { encoding: 'utf8', timeout: 30_000 });
    wall.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    const m = /BENCHCPU ([\d.]+) ([\d.]+)/.exec(r.stderr);
    if (m) cpu.push((Number(m[1]) + Number(m[2])) * 1000);
  }
  return { wallMs: median(wall), minMs: Math.min(...wall), cpuMs: median(cpu) };
}

/** Times --version, validate of the upgrade playbook, and bare node for reference. */
export function measureStartup(runs = 20) {
  return {
    runs,
    version: timeCommand([TPX, '--version'], runs),
    validate: timeCommand([TPX, 'validate', join(ROOT, 'playbooks', 'upgrade.yaml')], runs),
    node: timeCommand(['-e', '0'], runs),
  };
}
