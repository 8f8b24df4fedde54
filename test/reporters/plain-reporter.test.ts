import { describe, expect, test } from 'vitest';
import { runEvents } from './run-events.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { failingRun, haltedRollout, interruptedRun, result, successfulRun } from './scenarios.js';

describe('plain reporter', () => {
  test('a successful 3-host run: one line per host event, then the recap', async () => {
    const { out } = await runEvents(successfulRun(), { output: 'plain' });
    expect(out.text()).toBe(
      [
        'tpx run playbooks/upgrade.yaml: 3 hosts',
        '',
        'PLAY upgrade (3 hosts)',
        '[mesh-01] detect installed version: ok (0.21s)',
        '[mesh-02] detect installed version: ok (0.21s)',
        '[mesh-03] detect installed version: ok (0.21s)',
        '[mesh-01] install transparent proxy: changed (1.52s)',
        '[mesh-02] install transparent proxy: changed (1.52s)',
        '[mesh-03] install transparent proxy: changed (1.52s)',
        '',
        'PLAY RECAP',
        'mesh-01 : ok=2   changed=1   failed=0   skipped=0   unreachable=0   rescued=0   ignored=0',
        'mesh-02 : ok=2   changed=1   failed=0   skipped=0   unreachable=0   rescued=0   ignored=0',
        'mesh-03 : ok=2   changed=1   failed=0   skipped=0   unreachable=0   rescued=0   ignored=0',
        '3 hosts: 3 changed, 0 ok, 0 failed in 42.00s',
        '',
      ].join('\n'),
    );
  });

  test('a failing and an unreachable host: message, stderr tail, warning; no colour off a terminal', async () => {
    const { out } = await runEvents(failingRun(), { output: 'plain' });
    const text = out.text();
    expect(text).not.toContain('\u001b[');
    expect(text).toContain('[mesh-03] unreachable (timeout): connect timed out after 10s\n');
    expect(text).toContain('[mesh-01] check docker chains: failed, ignored (0.21s) rc=1\n');
    expect(text).toContain('[mesh-01] flush old rules: rescued (0.21s)\n    msg: restored backup\n');
    expect(text).toContain(
      [
        '[mesh-02] install transparent proxy: failed (1.20s) rc=1',
        '    msg: non-zero return code',
        '    stderr:',
        '      line 1',
        '      line 2',
        '      Error: existing rules <without> marker & "comment"',
        'WARNING [mesh-01] flush old rules: ip6tables not found; IPv6 skipped',
      ].join('\n'),
    );
    expect(text).toContain('mesh-01 : ok=2   changed=0   failed=0   skipped=0   unreachable=0   rescued=1   ignored=1\n');
    expect(text).toContain('mesh-02 : ok=1   changed=0   failed=1   skipped=0   unreachable=0   rescued=0   ignored=0\n');
    expect(text).toContain('mesh-03 : ok=0   changed=0   failed=0   skipped=0   unreachable=1   rescued=0   ignored=0\n');
  });

  test('a halted serial rollout: batches, the halt with the hosts left out, and the hosts never reached', async () => {
    const { out } = await runEvents(haltedRollout(), { output: 'plain' });
    const text = out.text();
    expect(text).toContain('BATCH 1/3 of upgrade: mesh-01\n[mesh-01] install transparent proxy: changed (0.21s)\nBATCH 2/3 of upgrade: mesh-02, mesh-03\n');
    expect(text).toContain('HALTED batch 2 of upgrade: max_fail_percentage 0 exceeded (1 of 2 hosts failed); not run on 2 hosts: mesh-04, mesh-05\n');
    expect(text).toContain('    msg: verify failed: chain KUMA_MESH_OUTBOUND missing\n');
    expect(text).toContain('mesh-04 : ok=0   changed=0   failed=0');
    expect(text.trimEnd().split('\n').slice(-3)).toEqual([
      'not reached (2): mesh-04, mesh-05',
      '5 hosts: 2 changed, 0 ok, 1 failed, 2 not reached in 42.00s (halted in batch 2 of upgrade)',
      'next: fix the cause, then run the same command with --retry-failed: it runs again the hosts that failed, were unreachable, stopped early or were not reached, under the same run id',
    ]);
  });

  test('-v shows commands and output lines prefixed with the host; an interrupted run says it is partial', async () => {
    const { out } = await runEvents(interruptedRun(), { output: 'plain', verbose: 1 });
    expect(out.text()).toBe(
      [
        'tpx run playbooks/upgrade.yaml: 2 hosts (check mode: nothing will be changed)',
        '',
        'PLAY upgrade (2 hosts)',
        '[mesh-01] detect installed version: $ kumactl version',
        '[mesh-01] detect installed version: stdout| Kuma 2.8.3',
        '[mesh-01] detect installed version: stdout| second line',
        '[mesh-01] detect installed version: stdout| unfinished',
        '[mesh-01] detect installed version: ok (0.21s)',
        'INTERRUPTED (SIGINT): starting nothing new, stopping the tasks in flight (they may clean up on the host); interrupt again to quit at once',
        '',
        'run did not finish: results below are partial',
        '',
        'PLAY RECAP',
        'mesh-01 : ok=1   changed=0   failed=0   skipped=0   unreachable=0   rescued=0   ignored=0',
        'mesh-02 : ok=0   changed=0   failed=0   skipped=0   unreachable=0   rescued=0   ignored=0',
        'not reached (1): mesh-02',
        '2 hosts: 0 changed, 1 ok, 0 failed, 1 not reached (interrupted)',
        'next: fix the cause, then run the same command with --retry-failed: it runs again the hosts that failed, were unreachable, stopped early or were not reached, under the same run id',
        '',
      ].join('\n'),
    );
  });

  test('without -v, skipped results are folded into a count on the summary line; -v shows each', async () => {
    const events: EngineEvent[] = [
      { type: 'run-start', playbook: 'p.yaml', hosts: ['mesh-01', 'mesh-02'], check: false, time: '2026-01-01T10:00:00.000Z' },
      { type: 'play-start', play: 'p', hosts: ['mesh-01', 'mesh-02'] },
      { type: 'task-end', result: result('mesh-01', 'only on old hosts', 'skipped') },
      { type: 'task-end', result: result('mesh-02', 'only on old hosts', 'ok') },
      { type: 'task-end', result: result('mesh-01', 'verify', 'skipped') },
      { type: 'task-end', result: result('mesh-02', 'verify', 'skipped') },
      { type: 'run-end', time: '2026-01-01T10:00:05.600Z', stats: {}, interrupted: false, halted: null, notReached: [], stoppedEarly: [] },
    ];
    const quiet = (await runEvents(events, { output: 'plain' })).out.text();
    expect(quiet).not.toContain(': skipped');
    expect(quiet).toContain('[mesh-02] only on old hosts: ok (0.21s)\n');
    expect(quiet.trimEnd().split('\n').at(-1)).toBe(
      '2 hosts: 0 changed, 1 ok, 0 failed, 1 skipped in 5.60s · 3 skipped task results not shown (-v shows them)',
    );
    const verbose = (await runEvents(events, { output: 'plain', verbose: 1 })).out.text();
    expect(verbose.match(/: skipped \(/g)).toHaveLength(3);
    expect(verbose.trimEnd().split('\n').at(-1)).toBe('2 hosts: 0 changed, 1 ok, 0 failed, 1 skipped in 5.60s');
  });

  test("an unreachable host's message is printed once, not again under the task that hit it", async () => {
    const msg = 'mesh-02: connection refused by 127.0.0.1:41193';
    const events: EngineEvent[] = [
      { type: 'run-start', playbook: 'p.yaml', hosts: ['mesh-02'], check: false, time: '2026-01-01T10:00:00.000Z' },
      { type: 'host-unreachable', host: 'mesh-02', kind: 'refused', msg },
      { type: 'task-end', result: result('mesh-02', 'command', 'unreachable', { msg }) },
    ];
    const text = (await runEvents(events, { output: 'plain' })).out.text();
    expect(text.split(msg)).toHaveLength(2);
    expect(text).toContain(`[mesh-02] unreachable (refused): ${msg}\n[mesh-02] command: unreachable (0.21s)\n`);
  });

  test('without -v, commands and output stay out of the log', async () => {
    const { out } = await runEvents(interruptedRun(), { output: 'plain' });
    expect(out.text()).not.toContain('kumactl version');
    expect(out.text()).not.toContain('stdout|');
  });

  test('end() twice prints the recap once', async () => {
    const { EventBus } = await import('../../src/engine/events.js');
    const { createReporters } = await import('../../src/reporters/create-reporters.js');
    const { CaptureStream } = await import('./fake-stream.js');
    const out = new CaptureStream();
    const bus = new EventBus();
    const r = createReporters({ output: 'plain', stdout: out, env: {} });
    r.attach(bus);
    for (const e of successfulRun()) bus.emit(e);
    await r.end();
    await r.end();
    expect(out.text().split('PLAY RECAP').length).toBe(2);
  });
});

describe('plain reporter and secrets', () => {
  test('a planted secret is masked in commands, output, messages and warnings; no_log output never shows', async () => {
    const { SecretMasker } = await import('../../src/errors/mask-secrets.js');
    const { secretRun } = await import('./scenarios.js');
    const masker = new SecretMasker();
    masker.add('hunter2-s3cret');
    const { out } = await runEvents(secretRun('hunter2-s3cret'), { output: 'plain', verbose: 1, masker });
    const text = out.text();
    expect(text).not.toContain('hunter2-s3cret');
    expect(text).toContain('[mesh-01] login: $ kumactl login --password ********\n');
    expect(text).toContain('[mesh-01] login: stderr| auth with ******** ok\n');
    expect(text).toContain('[mesh-01] login: changed (0.21s) (output hidden: no_log)\n');
    expect(text).not.toContain('token for');
    expect(text).toContain('[mesh-01] use token: failed (0.21s) rc=1\n    msg: bad password ********\n    stderr:\n      denied: ********\n');
    expect(text).toContain('WARNING [mesh-01] password ******** is weak\n');
  });
});
