import { describe, expect, test } from 'vitest';
import type { EngineEvent } from '../../../src/engine/events.js';
import { SecretMasker } from '../../../src/errors/mask-secrets.js';
import { CENSORED_MSG } from '../../../src/reporters/report-file.js';
import { buildHtmlModel, TAIL_LINES } from '../../../src/reporters/html/report-model.js';
import { RunRecord } from '../../../src/reporters/run-record.js';
import { failingRun, haltedMidPlay, haltedRollout, interruptedRun, result, secretRun, successfulRun } from '../scenarios.js';

function modelOf(events: readonly EngineEvent[], masker = new SecretMasker()) {
  const record = new RunRecord();
  for (const e of events) record.record(e);
  return buildHtmlModel(record, masker, new Date('2026-01-01T10:00:50.000Z'));
}

const end = (stats: Record<string, object>): EngineEvent => ({
  type: 'run-end',
  time: '2026-01-01T10:00:42.000Z',
  stats: stats as never,
  interrupted: false,
  halted: null,
  notReached: [],
  stoppedEarly: [],
});

describe('buildHtmlModel: the header', () => {
  test('a successful run: times, duration, every host ok', () => {
    const m = modelOf(successfulRun());
    expect(m).toMatchObject({
      playbook: 'playbooks/upgrade.yaml',
      started: '2026-01-01T10:00:00.000Z',
      finished: '2026-01-01T10:00:42.000Z',
      durationMs: 42_000,
    });
    expect(m.outcome).toEqual({ kind: 'ok', title: 'every host ok: 3 of 3 changed', why: null });
  });

  test('a halted rollout says where and why, and counts the hosts never reached', () => {
    expect(modelOf(haltedRollout()).outcome).toEqual({
      kind: 'halted',
      title: 'halted at batch 2 of play "upgrade": 1 failed, 2 not reached',
      why: 'max_fail_percentage 0 exceeded (1 of 2 hosts failed)',
    });
  });

  test('an interrupted check run (no run-end): interrupted by its signal, finished now, check mode', () => {
    const m = modelOf(interruptedRun());
    expect(m.outcome).toEqual({ kind: 'interrupted', title: 'interrupted', why: 'stopped by SIGINT; results are partial' });
    expect(m.check).toBe(true);
    expect(m.finished).toBe('2026-01-01T10:00:50.000Z');
    expect(m.hosts.map((h) => h.status)).toEqual(['ok', 'not-reached']);
  });

  test('failed and unreachable hosts', () => {
    expect(modelOf(failingRun()).outcome).toEqual({ kind: 'failed', title: '1 failed, 1 unreachable of 3 hosts', why: null });
  });
});

describe('buildHtmlModel: the plan table', () => {
  test('the plan line is the message of the host’s last `plan` debug task that ran; none when skipped, no_log or another module', () => {
    const hosts = ['a', 'b', 'c', 'd', 'e'];
    const m = modelOf([
      { type: 'run-start', playbook: 'p', hosts, check: true, time: '2026-01-01T10:00:00.000Z' },
      { type: 'task-end', result: result('a', 'plan', 'ok', { msg: 'a  2.8.3 → 2.10.1  flush: yes (rules without marker)' }) },
      { type: 'task-end', result: result('b', 'plan', 'skipped', { msg: 'Conditional result was False' }) },
      { type: 'task-end', result: result('c', 'plan', 'ok', { censored: true, msg: 'hidden' }) },
      { type: 'task-end', result: result('d', 'plan', 'ok', { msg: 'first' }) },
      { type: 'task-end', result: result('d', 'plan', 'ok', { module: 'debug', msg: 'd  2.10.1 → 2.10.1  flush: no  (nothing to do: up to date)' }) },
      { type: 'task-end', result: result('e', 'plan', 'changed', { module: 'shell', msg: 'a command named plan' }) },
      end({}),
    ]);
    expect(m.hosts.map((h) => [h.host, h.plan])).toEqual([
      ['a', 'a  2.8.3 → 2.10.1  flush: yes (rules without marker)'],
      ['b', null],
      ['c', null],
      ['d', 'd  2.10.1 → 2.10.1  flush: no  (nothing to do: up to date)'],
      ['e', null],
    ]);
  });

  test('statuses: not-reached, stopped early, and the engine’s recap counts', () => {
    const m = modelOf(haltedMidPlay());
    expect(m.hosts.map((h) => [h.host, h.status, h.stoppedEarly])).toEqual([
      ['mesh-01', 'changed', false],
      ['mesh-02', 'changed', true],
      ['mesh-03', 'failed', false],
      ['mesh-04', 'not-reached', false],
    ]);
    expect(m.hosts[0].stats).toEqual({ ok: 2, changed: 1, failed: 0, skipped: 0, unreachable: 0, rescued: 0, ignored: 0 });
  });
});

describe('buildHtmlModel: failures', () => {
  test('failed (not ignored) and unreachable tasks, a host unreachable before any task, with the end of their output', () => {
    const m = modelOf(failingRun());
    expect(m.failures.map((f) => [f.host, f.task, f.status, f.rc])).toEqual([
      ['mesh-02', 'install transparent proxy', 'failed', 1],
      ['mesh-03', 'connect', 'unreachable', null],
    ]);
    expect(m.failures[0].stderr).toEqual({ lines: ['line 1', 'line 2', 'Error: existing rules <without> marker & "comment"'], total: 3 });
    expect(m.failures[1].msg).toBe('timeout: connect timed out after 10s');
  });

  test(`stdout and stderr: the last ${TAIL_LINES} lines, and how many there were`, () => {
    const stdout = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join('\n');
    const m = modelOf([{ type: 'task-end', result: result('a', 't', 'failed', { stdout, msg: 'x' }) }]);
    expect(m.failures[0].stdout.total).toBe(100);
    expect(m.failures[0].stdout.lines).toHaveLength(TAIL_LINES);
    expect(m.failures[0].stdout.lines.at(-1)).toBe('line 100');
  });

  test('every string is masked; no_log output is replaced', () => {
    const masker = new SecretMasker();
    masker.add('hunter2-s3cret');
    const m = modelOf(
      [...secretRun('hunter2-s3cret'), { type: 'task-end', result: result('mesh-01', 'plan', 'ok', { msg: 'plan with hunter2-s3cret' }) }],
      masker,
    );
    expect(JSON.stringify(m)).not.toContain('hunter2-s3cret');
    expect(m.failures[0]).toMatchObject({ task: 'use token', msg: 'bad password ********', stderr: { lines: ['denied: ********'] } });
    expect(m.warnings).toEqual(['[mesh-01] password ******** is weak']);
    expect(m.hosts[0].plan).toBe('plan with ********');
    const censored = modelOf([{ type: 'task-end', result: result('a', 'login', 'failed', { censored: true, stdout: 'token', msg: 'x' }) }]);
    expect(censored.failures[0]).toMatchObject({ msg: CENSORED_MSG, stdout: { lines: [], total: 0 } });
  });
});
