import { afterEach } from 'vitest';
import { runYaml, type HarnessRun } from './run-harness.js';

/** A `run` for one test file that cleans up each run's temp fleet after each test. */
export function trackRuns(): (...args: Parameters<typeof runYaml>) => Promise<HarnessRun> {
  const runs: HarnessRun[] = [];
  afterEach(() => {
    for (const r of runs.splice(0)) r.fleet.cleanup();
  });
  return async (...args) => {
    const r = await runYaml(...args);
    runs.push(r);
    return r;
  };
}
