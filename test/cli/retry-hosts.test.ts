import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { findRetrySource, readJournalRetry, readRetryPlan } from '../../src/cli/retry-hosts.js';
import { UsageError } from '../../src/errors/tpx-error.js';

const dir = mkdtempSync(join(tmpdir(), 'tpx-retry-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const header = (runId: string, playbook = '/pb/upgrade.yaml'): string => JSON.stringify({ type: 'journal', version: 1, run_id: runId, playbook, started: 'x', pid: 1, controller: 'c' });
const line = (o: object): string => JSON.stringify(o);

describe('--retry-failed', () => {
  test('from a journal: hosts without a finished host-end, under the journal run id; a cut last line is skipped', () => {
    const text = [
      header('run-1'),
      line({ type: 'run-start', hosts: ['a', 'b', 'c', 'd', 'e', 'f'] }),
      line({ type: 'host-end', host: 'a', status: 'changed' }),
      line({ type: 'host-end', host: 'b', status: 'ok' }),
      line({ type: 'host-end', host: 'c', status: 'failed' }),
      line({ type: 'host-end', host: 'd', status: 'unreachable' }),
      line({ type: 'host-end', host: 'f', status: 'skipped' }),
      '{"type":"host-end","host":"e","sta',
    ].join('\n');
    expect(readJournalRetry(text)).toEqual({ hosts: ['c', 'd', 'e'], runId: 'run-1' });
  });

  test('a journal with a retry appended: the last host-end of a host counts, hosts of every run-start', () => {
    const text = [
      header('run-1'),
      line({ type: 'run-start', hosts: ['a', 'b', 'c'] }),
      line({ type: 'host-end', host: 'a', status: 'ok' }),
      header('run-1'),
      line({ type: 'run-start', hosts: ['b', 'c'] }),
      line({ type: 'host-end', host: 'b', status: 'changed' }),
      line({ type: 'host-end', host: 'c', status: 'failed' }),
    ].join('\n');
    expect(readJournalRetry(text)).toEqual({ hosts: ['c'], runId: 'run-1' });
  });

  test('from a report: failed, unreachable and not-reached hosts, with its run_id', () => {
    const path = join(dir, 'report.json');
    writeFileSync(
      path,
      JSON.stringify({ run_id: 'r-9', hosts: { a: { status: 'changed' }, b: { status: 'failed' }, c: { status: 'not-reached' }, d: { status: 'unreachable' }, e: { status: 'ok' } } }),
    );
    expect(readRetryPlan(path)).toEqual({ hosts: ['b', 'c', 'd'], runId: 'r-9', source: path });
  });

  test('bad files are usage errors naming the file', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, 'not json');
    expect(() => readRetryPlan(bad)).toThrow(UsageError);
    expect(() => readRetryPlan(bad)).toThrow(/bad\.json: not a JSON report written by tpx --report, nor a run journal/);
    expect(() => readRetryPlan(join(dir, 'missing.json'))).toThrow(/cannot read the file \(ENOENT\)/);
  });

  test('without a file: --report FILE.journal, then FILE, then the newest journal of the playbook', () => {
    const runs = join(dir, 'runs');
    mkdirSync(runs, { recursive: true });
    const playbook = join(dir, 'upgrade.yaml');
    expect(() => findRetrySource(playbook, undefined, runs)).toThrow(/no earlier run of .*upgrade\.yaml found/);
    writeFileSync(join(runs, 'x.jsonl'), header('x', resolve(playbook)) + '\n');
    expect(findRetrySource(playbook, undefined, runs)).toBe(join(runs, 'x.jsonl'));
    const report = join(dir, 'r.json');
    writeFileSync(report, '{}');
    expect(findRetrySource(playbook, report, runs)).toBe(report);
    writeFileSync(`${report}.journal`, header('y'));
    expect(findRetrySource(playbook, report, runs)).toBe(`${report}.journal`);
  });
});
