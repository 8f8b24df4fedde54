import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { checkRetryPlan, findRetrySource, readJournalRetry, readRetryPlan } from '../../src/cli/retry-hosts.js';
import { TpxError, UsageError } from '../../src/errors/tpx-error.js';
import { parseInventory } from '../engine/run-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'tpx-retry-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const header = (runId: string, playbook = '/pb/upgrade.yaml'): string =>
  JSON.stringify({ type: 'journal', version: 1, run_id: runId, playbook, started: 'x', pid: 1, controller: 'c' });
const line = (o: object): string => JSON.stringify(o);

describe('--retry-failed', () => {
  test('from a journal: hosts without a finished host-end, under the journal run id; a cut last line is skipped', () => {
    const text = [
      header('run-1'),
      line({ type: 'run-start', hosts: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] }),
      line({ type: 'host-end', host: 'a', status: 'changed' }),
      line({ type: 'host-end', host: 'b', status: 'ok' }),
      line({ type: 'host-end', host: 'd', status: 'failed' }),
      line({ type: 'host-end', host: 'e', status: 'unreachable' }),
      line({ type: 'host-end', host: 'f', status: 'skipped' }),
      '{"type":"host-end","host":"g","sta',
    ].join('\n');
    // c never ended (a halt): after the hosts that failed.
    expect(readJournalRetry(text)).toEqual({ hosts: ['d', 'e', 'c', 'g'], runId: 'run-1' });
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

  test('from a report: failed, unreachable and not-reached hosts, with its run_id; the ones that failed first', () => {
    const path = join(dir, 'report.json');
    writeFileSync(
      path,
      JSON.stringify({
        run_id: 'r-9',
        hosts: {
          a: { status: 'changed', stopped_early: true },
          b: { status: 'not-reached' },
          c: { status: 'failed' },
          d: { status: 'unreachable' },
          e: { status: 'ok' },
        },
      }),
    );
    // A rolling retry's canary is a host that failed, not one a halt left already upgraded.
    expect(readRetryPlan(path)).toEqual({ hosts: ['c', 'd', 'a', 'b'], runId: 'r-9', source: path });
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

describe('--retry-failed for the right fleet, and when there is nothing to retry', () => {
  const inventory = parseInventory('all:\n  hosts:\n    a: {}\n    b: {}\n');
  const plan = (hosts: string[]) => ({ hosts, source: 'r.json' });

  test('without a file: the newest journal of this playbook and these inventory files (older journals name none)', () => {
    const runs = join(dir, 'fleet-runs');
    mkdirSync(runs, { recursive: true });
    const playbook = join(dir, 'fleet.yaml');
    const withInv = (runId: string, inventories?: string[]): string =>
      JSON.stringify({
        type: 'journal',
        version: 1,
        run_id: runId,
        playbook: resolve(playbook),
        ...(inventories ? { inventories } : {}),
        started: 'x',
        pid: 1,
        controller: 'c',
      });
    writeFileSync(join(runs, 'old.jsonl'), withInv('old') + '\n');
    utimesSync(join(runs, 'old.jsonl'), 1000, 1000);
    writeFileSync(join(runs, 'prod.jsonl'), withInv('prod', [resolve('prod.yaml')]) + '\n');
    utimesSync(join(runs, 'prod.jsonl'), 2000, 2000);
    writeFileSync(join(runs, 'lab.jsonl'), withInv('lab', [resolve('lab.yaml')]) + '\n');
    utimesSync(join(runs, 'lab.jsonl'), 3000, 3000);
    expect(findRetrySource(playbook, undefined, runs, ['prod.yaml'])).toBe(join(runs, 'prod.jsonl'));
    expect(findRetrySource(playbook, undefined, runs, ['lab.yaml'])).toBe(join(runs, 'lab.jsonl'));
    expect(findRetrySource(playbook, undefined, runs, ['staging.yaml'])).toBe(join(runs, 'old.jsonl'));
  });

  test('no host to run again: nothing; hosts this inventory lacks: named, left out; none of them: an error (exit 1)', () => {
    const warnings: string[] = [];
    expect(checkRetryPlan(plan([]), inventory, (m) => warnings.push(m))).toBe('nothing');
    expect(checkRetryPlan(plan(['a', 'z']), inventory, (m) => warnings.push(m))).toBe('run');
    expect(warnings).toEqual(['--retry-failed r.json: z not in this inventory; left out']);
    let error: unknown;
    try {
      checkRetryPlan(plan(['x', 'y']), inventory, () => undefined);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TpxError);
    expect((error as TpxError).exitCode).toBe(1);
    expect((error as TpxError).message).toMatch(/none of the hosts it would run again \(x, y\) is in this inventory; was that run on another fleet\?/);
  });
});
