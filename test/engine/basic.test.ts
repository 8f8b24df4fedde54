import { afterEach, describe, expect, it } from 'vitest';
import { fleetInventory, runYaml, type HarnessRun } from './run-harness.js';

const runs: HarnessRun[] = [];
afterEach(() => {
  for (const r of runs.splice(0)) r.fleet.cleanup();
});
async function run(...args: Parameters<typeof runYaml>): Promise<HarnessRun> {
  const r = await runYaml(...args);
  runs.push(r);
  return r;
}

describe('runPlaybook basics', () => {
  it('runs shell tasks on every host and reports ok/changed stats', async () => {
    const r = await run(
      `
- hosts: web
  tasks:
    - name: write
      shell: echo "{{ inventory_hostname }}" > out.txt
    - name: show
      debug: { msg: "hi {{ inventory_hostname }}" }
`,
      fleetInventory(3),
    );
    expect(r.outcome.exitCode).toBe(0);
    expect(r.fleet.readHostFile('h02', 'out.txt')).toBe('h02\n');
    expect(r.outcome.stats.h01).toMatchObject({ ok: 2, changed: 1, failed: 0 });
    expect(r.result('h03', 'show')?.msg).toBe('hi h03');
    expect(r.outcome.hostStatus.h01).toBe('changed');
  });
});
