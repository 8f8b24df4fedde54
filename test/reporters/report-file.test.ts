import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { EventBus } from '../../src/engine/events.js';
import { SecretMasker } from '../../src/errors/mask-secrets.js';
import { CENSORED_MSG } from '../../src/reporters/report-file.js';
import { createReportFileReporter } from '../../src/reporters/report-file.js';
import { runEvents } from './run-events.js';
import { failingRun, haltedRollout, interruptedRun, secretRun, successfulRun } from './scenarios.js';

const dir = mkdtempSync(join(tmpdir(), 'tpx-report-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const Ajv = createRequire(import.meta.url)('ajv').default as typeof import('ajv').default;
const schema = JSON.parse(readFileSync(new URL('../../schemas/report.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(schema);

// biome-ignore lint/suspicious/noExplicitAny: the parsed report, taken apart by the assertions
async function reportOf(name: string, events: Parameters<typeof runEvents>[0], masker?: SecretMasker): Promise<any> {
  const path = join(dir, name);
  await runEvents(events, { output: 'json', report: path, ...(masker ? { masker } : {}) });
  const report = JSON.parse(readFileSync(path, 'utf8'));
  expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  return report;
}

describe('--report FILE.json', () => {
  test('a successful run: the documented shape, valid against schemas/report.schema.json, mode 0600', async () => {
    const report = await reportOf('ok.json', successfulRun());
    expect(report).toMatchObject({
      playbook: 'playbooks/upgrade.yaml',
      started: '2026-01-01T10:00:00.000Z',
      finished: '2026-01-01T10:00:42.000Z',
      check: false,
      interrupted: false,
      halted: null,
    });
    expect(report.stats['mesh-02']).toEqual({ ok: 2, changed: 1, failed: 0, skipped: 0, unreachable: 0, rescued: 0, ignored: 0 });
    expect(report.hosts['mesh-02'].status).toBe('changed');
    expect(report.hosts['mesh-02'].tasks).toEqual([
      {
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
      },
      {
        play: 'upgrade',
        task: 'install transparent proxy',
        status: 'changed',
        rc: 0,
        stdout: '',
        stderr: '',
        msg: '',
        duration_ms: 1520,
        ignored: false,
        censored: false,
      },
    ]);
    expect(statSync(join(dir, 'ok.json')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('host status is the worst of its tasks; an unreachable host gets a connect entry', async () => {
    const report = await reportOf('fail.json', failingRun());
    expect(report.hosts['mesh-01'].status).toBe('ok'); // ignored failure + rescued
    expect(report.hosts['mesh-02'].status).toBe('failed');
    expect(report.hosts['mesh-03']).toEqual({
      status: 'unreachable',
      tasks: [
        {
          play: 'upgrade',
          task: 'connect',
          status: 'unreachable',
          rc: null,
          stdout: '',
          stderr: '',
          msg: 'timeout: connect timed out after 10s',
          duration_ms: 0,
          ignored: false,
          censored: false,
        },
      ],
    });
    expect(report.hosts['mesh-01'].tasks[1]).toMatchObject({ status: 'failed', ignored: true });
    expect(report.stats['mesh-03'].unreachable).toBe(1);
  });

  test('a halted rollout names the batch and lists the hosts never reached', async () => {
    const report = await reportOf('halted.json', haltedRollout());
    expect(report.halted).toEqual({ play: 'upgrade', batch: 2, reason: 'max_fail_percentage 0 exceeded (1 of 2 hosts failed)' });
    expect(report.hosts['mesh-04']).toEqual({ status: 'not-reached', tasks: [] });
    expect(report.hosts['mesh-05'].status).toBe('not-reached');
    expect(report.stats['mesh-05']).toEqual({ ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0, rescued: 0, ignored: 0 });
    expect(
      Object.entries(report.hosts)
        // biome-ignore lint/suspicious/noExplicitAny: the parsed report, taken apart by the assertions
        .filter(([, h]: [string, any]) => ['failed', 'unreachable', 'not-reached'].includes(h.status))
        .map(([n]) => n),
    ).toEqual(['mesh-03', 'mesh-04', 'mesh-05']);
  });

  test('written from the signal path (no run-end): interrupted, finished set, untouched hosts not-reached', async () => {
    const report = await reportOf('interrupted.json', interruptedRun());
    expect(report.interrupted).toBe(true);
    expect(report.check).toBe(true);
    expect(typeof report.finished).toBe('string');
    expect(report.hosts['mesh-01'].status).toBe('ok');
    expect(report.hosts['mesh-02'].status).toBe('not-reached');
  });

  test('end() again after run-end arrives rewrites the file with the final picture', async () => {
    const path = join(dir, 'twice.json');
    const bus = new EventBus();
    const reporter = createReportFileReporter(path, new SecretMasker());
    reporter.attach(bus);
    const events = successfulRun();
    for (const e of events.slice(0, -1)) bus.emit(e);
    await reporter.end();
    expect(JSON.parse(readFileSync(path, 'utf8')).interrupted).toBe(true);
    bus.emit(events.at(-1)!);
    await reporter.end();
    const report = JSON.parse(readFileSync(path, 'utf8'));
    expect(report.interrupted).toBe(false);
    expect(report.finished).toBe('2026-01-01T10:00:42.000Z');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  test('no_log output is dropped and secrets are masked everywhere in the file', async () => {
    const masker = new SecretMasker();
    masker.add('hunter2-s3cret');
    const path = join(dir, 'secret.json');
    await runEvents(secretRun('hunter2-s3cret'), { output: 'json', report: path, masker });
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain('hunter2-s3cret');
    const report = JSON.parse(text);
    expect(report.hosts['mesh-01'].tasks[0]).toMatchObject({ stdout: '', stderr: '', msg: CENSORED_MSG, censored: true });
    expect(report.hosts['mesh-01'].tasks[1]).toMatchObject({ msg: 'bad password ********', stderr: 'denied: ********' });
  });

  test('an unwritable path is a clear TpxError, not a stack trace', async () => {
    const reporter = createReportFileReporter(join(dir, 'ok.json', 'cannot', 'be.json'));
    reporter.attach(new EventBus());
    await expect(reporter.end()).rejects.toMatchObject({ code: 'report-write', message: expect.stringContaining('cannot write') });
  });
});
