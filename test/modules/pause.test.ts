import { describe, expect, it } from 'vitest';
import type { PlanContext } from '../../src/modules/module.js';
import { NOT_INTERACTIVE, normalisePause, planPause } from '../../src/modules/pause.js';

const ctx = (extra: Partial<PlanContext> = {}): PlanContext => ({
  host: 'h01',
  check: false,
  diff: false,
  become: false,
  becomeUser: 'root',
  playbookDir: '/tmp',
  vars: {},
  verbosity: 0,
  task: 'wait for the canary',
  ...extra,
});

describe('pause', () => {
  it("reads seconds or minutes (at least a second), and Ansible's unit for the result", () => {
    expect(normalisePause({ seconds: 5 })).toEqual({ seconds: 5, unit: 'seconds', prompt: undefined, echo: true });
    expect(normalisePause({ seconds: 0 })).toMatchObject({ seconds: 1 });
    expect(normalisePause({ minutes: 2 })).toMatchObject({ seconds: 120, unit: 'minutes' });
    expect(normalisePause({ prompt: 'go?', echo: false })).toEqual({ seconds: undefined, unit: 'minutes', prompt: 'go?', echo: false });
    expect(() => normalisePause({ seconds: 1, minutes: 1 })).toThrow(/either 'seconds' or 'minutes', not both/);
  });

  it("waits the time and answers as Ansible's: stdout, delta, start and stop", async () => {
    const started = Date.now();
    const plan = await planPause(normalisePause({ seconds: 1 }), ctx());
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(plan.failed).toBeUndefined();
    expect(plan.returns).toMatchObject({ delta: 1, user_input: '', echo: true, rc: 0, stderr: '' });
    expect(plan.returns?.stdout).toMatch(/^Paused for 1\.\d+ seconds$/);
    expect(plan.returns?.start).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
  });

  it('an interrupt ends the wait at once, failed', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort('SIGINT'), 50);
    const started = Date.now();
    const plan = await planPause(normalisePause({ minutes: 10 }), ctx({ signal: controller.signal }));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(plan).toMatchObject({ failed: true, msg: 'interrupted' });
  });

  it('asks on the terminal (the task name, the prompt) and returns the answer; without one it does not wait and warns', async () => {
    const asked: [string, boolean][] = [];
    const plan = await planPause(
      normalisePause({ prompt: 'Check the canary', echo: false }),
      ctx({
        ask: async (q, secret) => {
          asked.push([q, secret]);
          return 'yes';
        },
      }),
    );
    expect(asked).toEqual([['[wait for the canary]\nCheck the canary (output is hidden):', true]]);
    expect(plan.returns).toMatchObject({ user_input: 'yes', echo: false });
    expect(plan.returns?.stdout).toMatch(/^Paused for 0(\.\d+)? minutes$/);
    const alone = await planPause(normalisePause({}), ctx());
    expect(alone.returns).toMatchObject({ user_input: '', warnings: [NOT_INTERACTIVE] });
  });
});
