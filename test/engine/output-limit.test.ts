import { describe, expect, it } from 'vitest';
import { readOutputLimit } from '../../src/engine/output-limit.js';
import { fleetInventory } from './run-harness.js';
import { trackRuns } from './track-runs.js';

const run = trackRuns();

describe('readOutputLimit (tpx_output_limit)', () => {
  it.each([
    [{}, undefined],
    [{ tpx_output_limit: 4096 }, 4096],
    [{ tpx_output_limit: '64k' }, 65536],
    [{ tpx_output_limit: '16M' }, 16 * 1024 * 1024],
  ])('%j gives %s', (vars, expected) => expect(readOutputLimit(vars)).toBe(expected));

  it.each([[{ tpx_output_limit: 'lots' }], [{ tpx_output_limit: 100 }], [{ tpx_output_limit: [1] }]])('%j is an error naming the variable', (vars) =>
    expect(() => readOutputLimit(vars)).toThrow(/^tpx_output_limit: got .*; expected a size of at least 1\.0 KiB/),
  );
});

describe('output over tpx_output_limit', () => {
  const PLAY = `
- hosts: h01
  tasks:
    - name: chatty
      shell: "echo first; head -c 300000 /dev/zero | tr '\\\\0' a; echo; echo last; echo oops >&2"
      vars: { tpx_output_limit: 64k }
      register: chatty
    - name: quiet
      command: echo small
      register: quiet
    - name: show
      debug:
        msg: "{{ chatty.stdout_truncated }} {{ chatty.stdout_dropped_bytes }} {{ chatty.stdout_lines[0] }} {{ chatty.stdout_lines[-1] }} {{ chatty.stderr }} {{ chatty.stderr_truncated }} / {{ quiet.stdout }} {{ quiet.stdout_truncated }} {{ quiet.stdout_dropped_bytes }}"
`;

  it('register gets the start and the end, a note, and how much was cut; a small output is whole and not flagged', async () => {
    const r = await run(PLAY, fleetInventory(1));
    expect(r.result('h01', 'chatty')?.status).toBe('changed');
    const calls = r.fleet.calls.filter((c) => c.kind === 'exec');
    expect(calls[0].outputLimit).toBe(65536);
    const stdout = r.result('h01', 'chatty')!.stdout!;
    expect(Buffer.byteLength(stdout)).toBeLessThanOrEqual(65536);
    expect(stdout).toMatch(/^first\naaa.*\n\[… \d+\.\d KiB not kept: over tpx_output_limit …\]\naaa+\nlast$/s);
    const kept = Buffer.byteLength(stdout.replace(/\n\[….*…\]\n/, '')) + 1;
    // 6 + 300000 + 1 + 5 bytes printed (the last newline is stripped from stdout, as Ansible does).
    const dropped = 6 + 300_000 + 1 + 5 - kept;
    expect(r.result('h01', 'show')?.msg).toBe(`True ${dropped} first last oops False / small False 0`);
  });

  it('-e sets it for the whole run; a value that is not a size fails the task, naming the variable', async () => {
    const PLAY2 = `
- hosts: h01
  tasks:
    - command: echo hi
`;
    const set = await run(PLAY2, fleetInventory(1), { extraVars: { tpx_output_limit: '2k' } });
    expect(set.fleet.calls.find((c) => c.kind === 'exec')?.outputLimit).toBe(2048);
    const bad = await run(PLAY2, fleetInventory(1), { extraVars: { tpx_output_limit: 'lots' } });
    expect(bad.results('h01')[0]).toMatchObject({ status: 'failed', msg: expect.stringMatching(/^tpx_output_limit: got "lots"; expected a size/) });
    expect(bad.fleet.calls.some((c) => c.kind === 'exec')).toBe(false);
  });
});
