import type { EngineEvent } from '../../src/engine/events.js';
import { emptyStats, type HostStats, type TaskResult } from '../../src/engine/results.js';

/** Scripted engine event sequences, as the engine would emit them. */

const T0 = '2026-01-01T10:00:00.000Z';
const T1 = '2026-01-01T10:00:42.000Z';

/** A task result with defaults filled in. */
export function result(host: string, task: string, status: TaskResult['status'], extra: Partial<TaskResult> = {}): TaskResult {
  return {
    play: 'upgrade',
    task,
    host,
    status,
    changed: status === 'changed',
    failed: status === 'failed',
    skipped: status === 'skipped',
    durationMs: 210,
    ...extra,
  };
}

function stats(partial: Partial<HostStats>): HostStats {
  return { ...emptyStats(), ...partial };
}

function taskEvents(r: TaskResult): EngineEvent[] {
  return [
    { type: 'task-start', play: r.play, task: r.task, host: r.host },
    { type: 'task-end', result: r },
  ];
}

/** Three hosts, every task ok or changed. */
export function successfulRun(): EngineEvent[] {
  const hosts = ['mesh-01', 'mesh-02', 'mesh-03'];
  const events: EngineEvent[] = [
    { type: 'run-start', playbook: 'playbooks/upgrade.yaml', hosts, check: false, time: T0 },
    { type: 'play-start', play: 'upgrade', hosts },
  ];
  for (const h of hosts) events.push({ type: 'host-connecting', host: h }, { type: 'host-connected', host: h, durationMs: 50 });
  for (const h of hosts) events.push(...taskEvents(result(h, 'detect installed version', 'ok', { stdout: '2.8.3\n', rc: 0 })));
  for (const h of hosts) events.push(...taskEvents(result(h, 'install transparent proxy', 'changed', { rc: 0, durationMs: 1520 })));
  events.push({
    type: 'run-end',
    time: T1,
    stats: Object.fromEntries(hosts.map((h) => [h, stats({ ok: 2, changed: 1 })])),
    interrupted: false,
    halted: null,
    notReached: [],
    stoppedEarly: [],
  });
  return events;
}

/** mesh-02 fails its install; mesh-03 is unreachable; mesh-01 ignores an error and is rescued once. */
export function failingRun(): EngineEvent[] {
  const hosts = ['mesh-01', 'mesh-02', 'mesh-03'];
  return [
    { type: 'run-start', playbook: 'playbooks/upgrade.yaml', hosts, check: false, time: T0 },
    { type: 'play-start', play: 'upgrade', hosts },
    { type: 'host-connecting', host: 'mesh-01' },
    { type: 'host-connecting', host: 'mesh-02' },
    { type: 'host-connecting', host: 'mesh-03' },
    { type: 'host-connected', host: 'mesh-01', durationMs: 40 },
    { type: 'host-connected', host: 'mesh-02', durationMs: 40 },
    { type: 'host-unreachable', host: 'mesh-03', kind: 'timeout', msg: 'connect timed out after 10s' },
    ...taskEvents(result('mesh-01', 'detect installed version', 'ok', { rc: 0 })),
    ...taskEvents(result('mesh-02', 'detect installed version', 'ok', { rc: 0 })),
    ...taskEvents(result('mesh-01', 'check docker chains', 'failed', { ignored: true, rc: 1, msg: 'non-zero return code' })),
    ...taskEvents(result('mesh-01', 'flush old rules', 'rescued', { msg: 'restored backup' })),
    ...taskEvents(
      result('mesh-02', 'install transparent proxy', 'failed', {
        rc: 1,
        msg: 'non-zero return code',
        stderr: 'line 1\nline 2\nError: existing rules <without> marker & "comment"\n',
        durationMs: 1200,
      }),
    ),
    { type: 'warning', host: 'mesh-01', task: 'flush old rules', msg: 'ip6tables not found; IPv6 skipped' },
    {
      type: 'run-end',
      time: T1,
      stats: {
        'mesh-01': stats({ ok: 2, ignored: 1, rescued: 1 }),
        'mesh-02': stats({ ok: 1, failed: 1 }),
        'mesh-03': stats({ unreachable: 1 }),
      },
      interrupted: false,
      halted: null,
      notReached: [],
      stoppedEarly: [],
    },
  ];
}

/** serial [1, 2, 2]: the canary passes, batch 2 has a failure, the rollout halts before batch 3. */
export function haltedRollout(): EngineEvent[] {
  const hosts = ['mesh-01', 'mesh-02', 'mesh-03', 'mesh-04', 'mesh-05'];
  return [
    { type: 'run-start', playbook: 'playbooks/upgrade.yaml', hosts, check: false, time: T0 },
    { type: 'play-start', play: 'upgrade', hosts },
    { type: 'batch-start', play: 'upgrade', batch: 1, batches: 3, hosts: ['mesh-01'] },
    ...taskEvents(result('mesh-01', 'install transparent proxy', 'changed')),
    { type: 'batch-start', play: 'upgrade', batch: 2, batches: 3, hosts: ['mesh-02', 'mesh-03'] },
    ...taskEvents(result('mesh-02', 'install transparent proxy', 'changed')),
    ...taskEvents(result('mesh-03', 'install transparent proxy', 'failed', { rc: 2, msg: 'verify failed: chain KUMA_MESH_OUTBOUND missing' })),
    { type: 'batch-halted', play: 'upgrade', batch: 2, reason: 'max_fail_percentage 0 exceeded (1 of 2 hosts failed)', remaining: ['mesh-04', 'mesh-05'] },
    {
      type: 'run-end',
      time: T1,
      stats: { 'mesh-01': stats({ ok: 1, changed: 1 }), 'mesh-02': stats({ ok: 1, changed: 1 }), 'mesh-03': stats({ failed: 1 }) },
      interrupted: false,
      halted: { play: 'upgrade', batch: 2, reason: 'max_fail_percentage 0 exceeded (1 of 2 hosts failed)' },
      notReached: ['mesh-04', 'mesh-05'],
      stoppedEarly: [],
    },
  ];
}

/**
 * serial [1, 2, 2] with any_errors_fatal: in batch 2, mesh-03 fails its first task and the
 * rollout stops there; mesh-02 had already been upgraded by that task, so it was stopped
 * early (changed), not "not reached"; batch 3 never started.
 */
export function haltedMidPlay(): EngineEvent[] {
  const hosts = ['mesh-01', 'mesh-02', 'mesh-03', 'mesh-04'];
  return [
    { type: 'run-start', playbook: 'playbooks/upgrade.yaml', hosts, check: false, time: T0 },
    { type: 'play-start', play: 'upgrade', hosts },
    { type: 'batch-start', play: 'upgrade', batch: 1, batches: 3, hosts: ['mesh-01'] },
    ...taskEvents(result('mesh-01', 'install transparent proxy', 'changed')),
    ...taskEvents(result('mesh-01', 'verify', 'ok')),
    { type: 'batch-start', play: 'upgrade', batch: 2, batches: 3, hosts: ['mesh-02', 'mesh-03'] },
    ...taskEvents(result('mesh-02', 'install transparent proxy', 'changed')),
    ...taskEvents(result('mesh-03', 'install transparent proxy', 'failed', { rc: 2, msg: 'install failed' })),
    {
      type: 'batch-halted',
      play: 'upgrade',
      batch: 2,
      reason: 'any_errors_fatal: task "install transparent proxy" failed on mesh-03',
      remaining: ['mesh-02', 'mesh-04'],
    },
    {
      type: 'run-end',
      time: T1,
      stats: { 'mesh-01': stats({ ok: 2, changed: 1 }), 'mesh-02': stats({ ok: 1, changed: 1 }), 'mesh-03': stats({ failed: 1 }), 'mesh-04': stats({}) },
      interrupted: false,
      halted: { play: 'upgrade', batch: 2, reason: 'any_errors_fatal: task "install transparent proxy" failed on mesh-03' },
      notReached: ['mesh-04'],
      stoppedEarly: ['mesh-02'],
    },
  ];
}

/** SIGINT after mesh-01's first task; no run-end follows (end() is called from the signal path). */
export function interruptedRun(): EngineEvent[] {
  const hosts = ['mesh-01', 'mesh-02'];
  return [
    { type: 'run-start', playbook: 'playbooks/upgrade.yaml', hosts, check: true, time: T0 },
    { type: 'play-start', play: 'upgrade', hosts },
    { type: 'task-start', play: 'upgrade', task: 'detect installed version', host: 'mesh-01' },
    { type: 'task-command', task: 'detect installed version', host: 'mesh-01', command: 'kumactl version' },
    { type: 'task-output', host: 'mesh-01', task: 'detect installed version', stream: 'stdout', chunk: 'Kuma 2.8' },
    { type: 'task-output', host: 'mesh-01', task: 'detect installed version', stream: 'stdout', chunk: '.3\nsecond line\nunfinished' },
    { type: 'task-end', result: result('mesh-01', 'detect installed version', 'ok', { stdout: 'Kuma 2.8.3\nsecond line\nunfinished' }) },
    { type: 'interrupted', signal: 'SIGINT' },
  ];
}

/** A no_log task that saw a password, and a debug message carrying a registered secret. */
export function secretRun(secret: string): EngineEvent[] {
  const hosts = ['mesh-01'];
  return [
    { type: 'run-start', playbook: 'playbooks/upgrade.yaml', hosts, check: false, time: T0 },
    { type: 'play-start', play: 'upgrade', hosts },
    { type: 'task-command', host: 'mesh-01', task: 'login', command: `kumactl login --password ${secret}` },
    { type: 'task-output', host: 'mesh-01', task: 'login', stream: 'stderr', chunk: `auth with ${secret} ok\n` },
    ...taskEvents(result('mesh-01', 'login', 'changed', { censored: true, stdout: `token for ${secret}`, stderr: 'nothing', msg: '' })),
    ...taskEvents(result('mesh-01', 'use token', 'failed', { rc: 1, msg: `bad password ${secret}`, stderr: `denied: ${secret}` })),
    { type: 'warning', host: 'mesh-01', msg: `password ${secret} is weak` },
    {
      type: 'run-end',
      time: T1,
      stats: { 'mesh-01': stats({ ok: 1, changed: 1, failed: 1 }) },
      interrupted: false,
      halted: null,
      notReached: [],
      stoppedEarly: [],
    },
  ];
}
