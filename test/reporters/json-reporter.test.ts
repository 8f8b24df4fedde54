import { describe, expect, test } from 'vitest';
import { SecretMasker } from '../../src/errors/mask-secrets.js';
import { runEvents } from './run-events.js';
import { haltedRollout, secretRun, successfulRun } from './scenarios.js';

// biome-ignore lint/suspicious/noExplicitAny: parsed JSON lines, taken apart by the assertions
function lines(text: string): any[] {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
}

describe('json reporter', () => {
  test('one JSON object per line per event, in order, with stable snake_case fields', async () => {
    const events = successfulRun();
    const { out } = await runEvents(events, { output: 'json' });
    const objs = lines(out.text());
    expect(objs.map((o) => o.type)).toEqual(events.map((e) => e.type));
    expect(objs[0]).toEqual({
      type: 'run-start',
      playbook: 'playbooks/upgrade.yaml',
      hosts: ['mesh-01', 'mesh-02', 'mesh-03'],
      check: false,
      time: '2026-01-01T10:00:00.000Z',
    });
    expect(objs.find((o) => o.type === 'host-connected')).toEqual({ type: 'host-connected', host: 'mesh-01', duration_ms: 50 });
    expect(objs.find((o) => o.type === 'task-end')).toEqual({
      type: 'task-end',
      host: 'mesh-01',
      play: 'upgrade',
      task: 'detect installed version',
      status: 'ok',
      rc: 0,
      stdout: '2.8.3\n',
      stderr: '',
      msg: '',
      duration_ms: 210,
      ignored: false,
      censored: false,
      changed: false,
    });
    expect(objs.at(-1)).toMatchObject({ type: 'run-end', interrupted: false, halted: null, not_reached: [], stats: { 'mesh-01': { ok: 2, changed: 1 } } });
    expect(out.text()).not.toContain('\u001b[');
  });

  test('halts carry their batch, reason and the hosts left out', async () => {
    const objs = lines((await runEvents(haltedRollout(), { output: 'json' })).out.text());
    expect(objs.find((o) => o.type === 'batch-halted')).toEqual({
      type: 'batch-halted',
      play: 'upgrade',
      batch: 2,
      reason: 'max_fail_percentage 0 exceeded (1 of 2 hosts failed)',
      remaining: ['mesh-04', 'mesh-05'],
    });
    expect(objs.at(-1).not_reached).toEqual(['mesh-04', 'mesh-05']);
  });

  test('no_log results carry no output, and every string is masked', async () => {
    const masker = new SecretMasker();
    masker.add('hunter2-s3cret');
    const { out } = await runEvents(secretRun('hunter2-s3cret'), { output: 'json', masker });
    expect(out.text()).not.toContain('hunter2-s3cret');
    const objs = lines(out.text());
    expect(objs.find((o) => o.type === 'task-end' && o.task === 'login')).toMatchObject({ stdout: '', stderr: '', censored: true });
    expect(objs.find((o) => o.type === 'task-command').command).toBe('kumactl login --password ********');
    expect(objs.find((o) => o.type === 'warning').msg).toBe('password ******** is weak');
  });
});
