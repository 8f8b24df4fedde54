// Runs one command under GNU time, bounded, and returns wall time, CPU and peak RSS.
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, rmSync } from 'node:fs';

/**
 * Runs `file args` with stdout and stderr to `outFile`, under /usr/bin/time (CPU and peak RSS
 * of the command and its waited-for children). Kills the whole process group after
 * `timeoutMs`. Resolves { code, pid (of /usr/bin/time), wallMs, cpuMs, userMs, sysMs, maxRssMb, timedOut }.
 */
export function runTimed(file, args, { outFile, env = process.env, cwd, timeoutMs = 600_000 }) {
  const timeFile = `${outFile}.time`;
  const fd = openSync(outFile, 'w');
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-o', timeFile, '-f', 'BENCH %e %U %S %M', file, ...args], {
      stdio: ['ignore', fd, fd],
      env,
      cwd,
      detached: true,
    });
    closeSync(fd);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      const text = (() => {
        try {
          return readFileSync(timeFile, 'utf8');
        } catch {
          return '';
        }
      })();
      rmSync(timeFile, { force: true });
      const m = /BENCH ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(text);
      const userMs = m ? Number(m[2]) * 1000 : NaN;
      const sysMs = m ? Number(m[3]) * 1000 : NaN;
      resolve({ code, pid: child.pid, wallMs, userMs, sysMs, cpuMs: userMs + sysMs, maxRssMb: m ? Number(m[4]) / 1024 : NaN, timedOut });
    });
  });
}

/** The median of a list of numbers (the mean of the two middle ones for an even count). */
export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}
