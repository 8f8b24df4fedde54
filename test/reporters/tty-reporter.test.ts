import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, test, vi } from 'vitest';
import { EventBus, type EngineEvent } from '../../src/engine/events.js';
import { SecretMasker } from '../../src/errors/mask-secrets.js';
import { createReporters } from '../../src/reporters/create-reporters.js';
import { HostRowsRenderer } from '../../src/reporters/host-rows-renderer.js';
import { CaptureStream } from './fake-stream.js';
import { result, successfulRun } from './scenarios.js';
import { framesOf, replayTerminal } from './virtual-terminal.js';

function setup(rows: number, columns = 100, env: Record<string, string> = {}, masker = new SecretMasker()) {
  let clock = 1_000_000;
  const out = new CaptureStream({ isTTY: true, columns, rows });
  const err = new CaptureStream({ isTTY: true, columns, rows });
  const bus = new EventBus();
  const reporter = createReporters({ output: 'auto', stdout: out, stderr: err, env, masker, now: () => clock });
  reporter.attach(bus);
  return {
    out,
    emit: (...events: EngineEvent[]) => events.forEach((e) => bus.emit(e)),
    advance: (ms: number) => (clock += ms),
    end: () => reporter.end(),
  };
}

/** Waits (bounded) until the screen satisfies `ready`: the first frame waits for listr2 to load its renderer. */
async function screenWhen(out: CaptureStream, ready: (screen: string[]) => boolean, timeoutMs = 5000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const screen = replayTerminal(out.text());
    if (ready(screen) || Date.now() > deadline) return screen;
    await sleep(25);
  }
}

const names = (n: number) => Array.from({ length: n }, (_, i) => `mesh-${String(i + 1).padStart(3, '0')}`);

describe('tty reporter (listr2)', () => {
  test('a row per host with its current task and elapsed time, then symbols, failures and the recap', async () => {
    const t = setup(30);
    const events = successfulRun();
    t.emit(...events.slice(0, 13)); // mesh-01 and mesh-02 detected, mesh-03 detecting
    t.emit({ type: 'task-start', play: 'upgrade', task: 'install transparent proxy', host: 'mesh-01' });
    t.advance(3400);
    const first = await screenWhen(t.out, (sc) => sc.length === 5);
    // The header stays above the rows; the headline says where the run is.
    expect(first[0]).toBe('tpx run playbooks/upgrade.yaml: 3 hosts');
    expect(first[1]).toBe('PLAY upgrade · 3.4s elapsed');
    const live = first.slice(2);
    expect(live).toHaveLength(3);
    expect(live[0]).toMatch(/^\S mesh-01 {2}install transparent proxy {2}3\.4s$/);
    // Not a tick before the host is done: "ok so far" is no result yet.
    expect(live[1]).toMatch(/^[^✔✖ ] mesh-02 {2}ok so far {2}ok=1 changed=0 {2}0\.00s$/);
    expect(live[2]).toMatch(/^\S mesh-03 {2}detect installed version {2}3\.4s$/);

    t.emit(...events.slice(13).filter((e) => !(e.type === 'task-start' && e.host === 'mesh-01' && e.task === 'install transparent proxy')));
    await t.end();
    const screen = replayTerminal(t.out.text()).slice(2);
    expect(screen.slice(0, 3)).toEqual([
      '✔ mesh-01  changed  ok=2 changed=1  3.40s',
      '✔ mesh-02  changed  ok=2 changed=1  3.40s',
      '✔ mesh-03  changed  ok=2 changed=1  3.40s',
    ]);
    expect(screen.slice(3)).toEqual([
      '',
      'PLAY RECAP',
      'mesh-01 : ok=2   changed=1   failed=0   skipped=0   unreachable=0   rescued=0   ignored=0',
      'mesh-02 : ok=2   changed=1   failed=0   skipped=0   unreachable=0   rescued=0   ignored=0',
      'mesh-03 : ok=2   changed=1   failed=0   skipped=0   unreachable=0   rescued=0   ignored=0',
      '3 hosts: 3 changed, 0 ok, 0 failed in 42.00s',
    ]);
  });

  test('150 hosts on a 30-row terminal: finished hosts collapse into a summary line, the view fits', async () => {
    const rows = 30;
    const t = setup(rows);
    const hosts = names(150);
    t.emit({ type: 'run-start', playbook: 'p.yaml', hosts, check: false, time: '2026-01-01T10:00:00.000Z' });
    t.emit({ type: 'play-start', play: 'upgrade', hosts });
    const start = (h: string) => ({ type: 'task-start', play: 'upgrade', task: 'install transparent proxy', host: h }) as const;
    hosts.slice(0, 87).forEach((h, i) => t.emit(start(h), { type: 'task-end', result: result(h, 'install transparent proxy', i < 80 ? 'changed' : 'ok') }));
    hosts
      .slice(127, 130)
      .forEach((h) => t.emit(start(h), { type: 'task-end', result: result(h, 'install transparent proxy', 'failed', { msg: 'verify failed', rc: 2 }) }));
    hosts.slice(87, 127).forEach((h) => t.emit(start(h)));
    t.advance(2500);
    // The first frame can come before listr2 has enabled its tasks: wait for the failed rows.
    await screenWhen(t.out, (sc) => sc.filter((l) => l.startsWith('✖')).length === 3);

    // The header is written once, above; every frame after it fits the terminal.
    const frames = framesOf(t.out.chunks).filter((f) => !f[0].startsWith('tpx run '));
    expect(frames.length).toBeGreaterThan(0);
    for (const frame of frames) {
      expect(frame.length).toBeLessThanOrEqual(rows - 1);
      expect(frame[0]).toMatch(/^PLAY upgrade · [\d.]+s elapsed$/);
      expect(frame[1]).toMatch(/^\d+ hosts done so far: /);
    }
    const screen = replayTerminal(t.out.text()).slice(2);
    expect(screen.length).toBeLessThanOrEqual(rows - 2);
    expect(screen[0]).toBe('87 hosts done so far: 80 changed, 7 ok · 40 running (16 not shown) · 20 waiting · 3 failed');
    const failedRows = screen.filter((l) => l.startsWith('✖'));
    expect(failedRows).toEqual([
      '✖ mesh-128  failed: install transparent proxy: verify failed',
      '✖ mesh-129  failed: install transparent proxy: verify failed',
      '✖ mesh-130  failed: install transparent proxy: verify failed',
    ]);
    const runningRows = screen.filter((l) => l.includes('install transparent proxy  2.5s'));
    expect(runningRows).toHaveLength(24);
    expect(screen.some((l) => l.includes('mesh-001 '))).toBe(false);

    hosts.slice(87, 127).forEach((h) => t.emit({ type: 'task-end', result: result(h, 'install transparent proxy', 'changed') }));
    t.emit({
      type: 'run-end',
      time: '2026-01-01T10:01:00.000Z',
      stats: {},
      interrupted: false,
      halted: null,
      notReached: hosts.slice(130),
      stoppedEarly: [],
    });
    await t.end();
    const final = replayTerminal(t.out.text()).slice(2);
    expect(final[0]).toBe('127 hosts done: 120 changed, 7 ok · 3 failed · 20 not reached');
    expect(final.slice(1, 4).every((l) => l.startsWith('✖ mesh-1'))).toBe(true);
    expect(final).toContain('FAILURES');
    expect(final).toContain('PLAY RECAP');
    expect(final.filter((l) => / : ok=\d/.test(l))).toHaveLength(150);
  });

  test('hosts folded out of the rows get their notes back in the host summary after the recap; rows that all fit do not', async () => {
    const run = async (count: number): Promise<string[]> => {
      const t = setup(12);
      const hosts = names(count);
      t.emit({ type: 'run-start', playbook: 'p.yaml', hosts, check: false, time: '2026-01-01T10:00:00.000Z' });
      t.emit({ type: 'play-start', play: 'upgrade', hosts });
      for (const h of hosts) {
        t.emit({ type: 'task-start', play: 'upgrade', task: 'plan', host: h });
        t.emit({ type: 'task-end', result: result(h, 'plan', 'ok', { module: 'debug', msg: `${h}  2.8.3 → 2.10.1  flush: no` }) });
      }
      t.emit({ type: 'run-end', time: '2026-01-01T10:01:00.000Z', stats: {}, interrupted: false, halted: null, notReached: [], stoppedEarly: [] });
      await t.end();
      return replayTerminal(t.out.text());
    };
    const folded = await run(20);
    const summary = folded.slice(folded.indexOf('HOST SUMMARY') + 1, folded.indexOf('HOST SUMMARY') + 21);
    expect(summary).toEqual(names(20).map((h) => `${h}  ok  2.8.3 → 2.10.1  flush: no`));
    const fits = await run(3);
    expect(fits).not.toContain('HOST SUMMARY');
    expect(fits.filter((l) => l.endsWith('· 2.8.3 → 2.10.1  flush: no'))).toHaveLength(3);
  });

  test('redraws are throttled to about 10 a second however many rows change', async () => {
    const draws = vi.spyOn(HostRowsRenderer.prototype, 'create');
    const t = setup(40);
    const hosts = names(120);
    t.emit({ type: 'run-start', playbook: 'p.yaml', hosts, check: false, time: '2026-01-01T10:00:00.000Z' });
    await screenWhen(t.out, (sc) => sc.some((l) => l.includes('mesh-')));
    const before = framesOf(t.out.chunks).length;
    const drawsBefore = draws.mock.calls.length;
    const began = Date.now();
    // Each unreachable host ends its listr2 task, and every state change asks listr2 for a redraw.
    for (let round = 0; round < 20; round++) {
      for (const h of hosts.slice(round * 6, round * 6 + 6)) {
        t.emit({ type: 'task-start', play: 'p', task: 'connect', host: h });
        t.emit({ type: 'host-unreachable', host: h, kind: 'refused', msg: 'connection refused' });
      }
      await sleep(20);
    }
    const elapsed = Date.now() - began;
    const frames = framesOf(t.out.chunks).length - before;
    expect(frames).toBeGreaterThan(0);
    expect(frames).toBeLessThanOrEqual(Math.ceil(elapsed / 90) + 2);
    // Frames are what reaches the terminal; draws are every view computed (log-update drops repeats).
    expect(draws.mock.calls.length - drawsBefore).toBeLessThanOrEqual(Math.ceil(elapsed / 90) + 2);
    draws.mockRestore();
    await t.end();
  });

  test('secrets are masked on screen; NO_COLOR leaves tpx output uncoloured', async () => {
    const masker = new SecretMasker();
    masker.add('hunter2-s3cret');
    const t = setup(30, 100, { NO_COLOR: '1' }, masker);
    t.emit({ type: 'run-start', playbook: 'p.yaml', hosts: ['mesh-01'], check: false, time: '2026-01-01T10:00:00.000Z' });
    t.emit({ type: 'task-start', play: 'p', task: 'login with hunter2-s3cret', host: 'mesh-01' });
    await screenWhen(t.out, (sc) => sc.some((l) => l.includes('login with')));
    t.emit({ type: 'task-end', result: result('mesh-01', 'login with hunter2-s3cret', 'failed', { msg: 'denied for hunter2-s3cret' }) });
    t.emit({ type: 'warning', msg: 'hunter2-s3cret is weak' });
    await t.end();
    const text = t.out.text();
    expect(text).not.toContain('hunter2-s3cret');
    expect(text).toContain('login with ********');
    expect(text).toContain('msg: denied for ********');
    expect(text).not.toMatch(/\u001b\[3\dm(FAILURES|PLAY|mesh)/);
  });

  test('hosts that failed a task alike (same message and output) are one entry under FAILURES', async () => {
    const t = setup(30);
    const hosts = ['mesh-01', 'mesh-02', 'mesh-03'];
    t.emit({ type: 'run-start', playbook: 'p.yaml', hosts, check: false, time: '2026-01-01T10:00:00.000Z' });
    const interrupted = { msg: 'interrupted; its last word: restored from backup', stderr: 'Terminated\naborted: restored from backup\n', rc: 1 };
    t.emit({ type: 'task-end', result: result('mesh-01', 'upgrade', 'failed', interrupted) });
    t.emit({ type: 'task-end', result: result('mesh-02', 'upgrade', 'failed', { ...interrupted, durationMs: 900 }) });
    t.emit({ type: 'task-end', result: result('mesh-03', 'upgrade', 'failed', { ...interrupted, msg: 'something else' }) });
    await t.end();
    const screen = replayTerminal(t.out.text());
    const at = screen.indexOf('FAILURES');
    expect(screen.slice(at + 1, at + 11)).toEqual([
      '[mesh-01, mesh-02] upgrade: failed rc=1 on 2 hosts, alike',
      '    msg: interrupted; its last word: restored from backup',
      '    stderr:',
      '      Terminated',
      '      aborted: restored from backup',
      '[mesh-03] upgrade: failed (0.21s) rc=1',
      '    msg: something else',
      '    stderr:',
      '      Terminated',
      '      aborted: restored from backup',
    ]);
  });

  test('end() without run-end (signal path) settles every row and says the run is partial', async () => {
    const t = setup(30);
    t.emit({ type: 'run-start', playbook: 'p.yaml', hosts: ['mesh-01', 'mesh-02'], check: false, time: '2026-01-01T10:00:00.000Z' });
    t.emit({ type: 'task-start', play: 'p', task: 'long task', host: 'mesh-01' });
    t.emit({ type: 'interrupted', signal: 'SIGINT' });
    await t.end();
    const screen = replayTerminal(t.out.text());
    expect(screen[1]).toBe('0.0s elapsed');
    expect(screen[3]).toBe('↓ mesh-02  not reached');
    expect(screen).toContain('INTERRUPTED: the run did not finish; results are partial');
    expect(screen.some((l) => l.startsWith('next: fix the cause, then run the same command with --retry-failed'))).toBe(true);
  });

  test('-v adds the last line of output to a running host row', async () => {
    let clock = 0;
    const out = new CaptureStream({ isTTY: true, columns: 100, rows: 30 });
    const bus = new EventBus();
    const reporter = createReporters({
      output: 'tty',
      verbose: 1,
      stdout: out,
      stderr: new CaptureStream(),
      env: {},
      masker: new SecretMasker(),
      now: () => clock,
    });
    reporter.attach(bus);
    bus.emit({ type: 'run-start', playbook: 'p.yaml', hosts: ['mesh-01'], check: false, time: '2026-01-01T10:00:00.000Z' });
    bus.emit({ type: 'task-start', play: 'p', task: 'install', host: 'mesh-01' });
    bus.emit({ type: 'task-output', host: 'mesh-01', task: 'install', stream: 'stdout', chunk: 'step 1\nstep 2: writing rules\n' });
    clock += 1200;
    expect((await screenWhen(out, (sc) => sc.some((l) => l.includes('mesh-01'))))[2]).toMatch(/^\S mesh-01 {2}install {2}1\.2s {2}› step 2: writing rules$/);
    bus.emit({ type: 'run-end', time: 't', stats: {}, interrupted: false, halted: null, notReached: [], stoppedEarly: [] });
    await reporter.end();
  });
});
