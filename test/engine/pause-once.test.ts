/**
 * `pause` runs once per batch, on its first host, which alone records it (and its register),
 * as ansible-playbook 2.14 does (checked on three local-connection hosts with serial 2: the
 * recap h1 ok=2, h2 ok=1, h3 ok=2 is Ansible's); without a terminal a prompt does not wait.
 */
import { describe, expect, it } from 'vitest';
import { fleetInventory } from './run-harness.js';
import { trackRuns } from './track-runs.js';

const run = trackRuns();

describe('pause', () => {
  it('once per batch, on the first host, which alone records it', async () => {
    const started = Date.now();
    const r = await run(
      `
- hosts: web
  serial: 2
  tasks:
    - pause: seconds=1
      register: p
    - debug: msg="{{ p.stdout | default('VARIABLE IS NOT DEFINED!') }}"
`,
      fleetInventory(3),
    );
    // Two batches, one second each.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    expect(r.outcome.stats.h01).toMatchObject({ ok: 2 });
    expect(r.outcome.stats.h02).toMatchObject({ ok: 1 });
    expect(r.outcome.stats.h03).toMatchObject({ ok: 2 });
    expect(r.result('h01', 'debug')?.msg).toMatch(/^Paused for 1\.\d+ seconds$/);
    expect(r.result('h02', 'debug')?.msg).toBe('VARIABLE IS NOT DEFINED!');
  });

  it('a prompt without a terminal does not wait, and says so', async () => {
    const r = await run(
      `
- hosts: web
  tasks:
    - pause:
        prompt: Check the canary
`,
      fleetInventory(2),
    );
    expect(r.outcome.exitCode).toBe(0);
    const warnings = r.events.filter((e) => e.type === 'warning').map((e) => (e.type === 'warning' ? `${e.host}: ${e.msg}` : ''));
    expect(warnings).toEqual(['h01: Not waiting for response to prompt as stdin is not interactive']);
  });
});
