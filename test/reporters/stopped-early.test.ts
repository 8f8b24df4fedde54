/**
 * After a halt, a host that was already worked on is told as it is: its status is what its
 * tasks did (an upgraded host is changed), marked as stopped before the end — on screen, in
 * the recap, in the report, in JUnit — and --retry-failed takes it up again. Only a host on
 * which nothing ran is "not reached".
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { readRetryPlan } from '../../src/cli/retry-hosts.js';
import { runEvents } from './run-events.js';
import { haltedMidPlay } from './scenarios.js';

const dir = mkdtempSync(join(tmpdir(), 'tpx-stopped-early-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a host stopped early by a halt', () => {
  test('plain output: its recap row says changed, a line names it as stopped before the end, apart from the hosts never reached', async () => {
    const { out } = await runEvents(haltedMidPlay(), { output: 'plain' });
    const text = out.text();
    expect(text).toMatch(/^mesh-02 : ok=1 +changed=1 /m);
    expect(text).toContain('stopped before the end, after some of their tasks ran (1): mesh-02');
    expect(text).toContain('not reached (1): mesh-04');
    expect(text).not.toMatch(/not reached \(\d+\): .*mesh-02/);
    // And what to do next.
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^next: fix the cause, then run the same command with --retry-failed/);
  });

  test('report: status changed with stopped_early; JUnit: its task and a skipped "stopped before the end"; --retry-failed runs it again', async () => {
    const report = join(dir, 'report.json');
    const junit = join(dir, 'junit.xml');
    await runEvents(haltedMidPlay(), { output: 'plain', report, junit });
    const doc = JSON.parse(readFileSync(report, 'utf8')) as { hosts: Record<string, { status: string; stopped_early?: boolean }> };
    expect(doc.hosts['mesh-02']).toMatchObject({ status: 'changed', stopped_early: true });
    expect(doc.hosts['mesh-04']).toMatchObject({ status: 'not-reached' });
    expect(doc.hosts['mesh-04'].stopped_early).toBeUndefined();
    expect(doc.hosts['mesh-01'].stopped_early).toBeUndefined();
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuite name="mesh-02" tests="2" failures="0" errors="0" skipped="1"/);
    expect(xml).toContain('stopped after the tasks above (batch 2 halted: any_errors_fatal');
    expect(readRetryPlan(report).hosts.sort()).toEqual(['mesh-02', 'mesh-03', 'mesh-04']);
  });

  test('the terminal view names it too', async () => {
    const { out } = await runEvents(haltedMidPlay(), { output: 'tty', tty: true });
    expect(out.text()).toMatch(/mesh-02 +changed, stopped before the end/);
  });
});
