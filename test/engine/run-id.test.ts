import { describe, expect, it } from 'vitest';
import { createRunId, resolveRunId } from '../../src/engine/run-id.js';
import { buildReport } from '../../src/reporters/report-file.js';
import { RunRecord } from '../../src/reporters/run-record.js';
import { UsageError } from '../../src/errors/tpx-error.js';
import { fleetInventory } from './run-harness.js';
import { trackRuns } from './track-runs.js';

const run = trackRuns();

const PLAY = `
- hosts: web
  serial: 1
  tasks:
    - name: stamp
      shell: "echo {{ tpx_run_id }} > id"
    - name: seen from hostvars
      debug: { msg: "{{ hostvars['h01'].tpx_run_id }}" }
`;

describe('tpx_run_id', () => {
  it('is time-based with a random part, safe in a file name', () => {
    const id = createRunId(new Date('2026-11-26T07:45:12.345Z'), () => Buffer.from([0x3f, 0xa9, 0xc1]));
    expect(id).toBe('20261126T074512Z-3fa9c1');
    const fresh = createRunId();
    expect(fresh).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/);
    expect(createRunId()).not.toBe(fresh);
  });

  it('is one id for every host and batch of a run, announced in run-start and in the report', async () => {
    const r = await run(PLAY, fleetInventory(3));
    const ids = ['h01', 'h02', 'h03'].map((h) => r.fleet.readHostFile(h, 'id'));
    const start = r.events.find((e) => e.type === 'run-start');
    expect(start?.type === 'run-start' && start.runId).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/);
    const id = start?.type === 'run-start' ? start.runId : '';
    expect(ids).toEqual([`${id}\n`, `${id}\n`, `${id}\n`]);
    expect(r.result('h03', 'seen from hostvars')?.msg).toBe(id);
    const record = new RunRecord();
    for (const e of r.events) record.record(e);
    expect(buildReport(record).run_id).toBe(id);
  });

  it('a second run gets another id; -e tpx_run_id resumes with the given one', async () => {
    const a = await run(PLAY, fleetInventory(1));
    const b = await run(PLAY, fleetInventory(1));
    expect(a.fleet.readHostFile('h01', 'id')).not.toBe(b.fleet.readHostFile('h01', 'id'));
    const c = await run(PLAY, fleetInventory(2), { extraVars: { tpx_run_id: '20260101T000000Z-abcdef' } });
    expect(c.fleet.readHostFile('h02', 'id')).toBe('20260101T000000Z-abcdef\n');
  });

  it('an -e value that is not safe in a file name is a usage error', () => {
    expect(resolveRunId({ tpx_run_id: 'resume-1' })).toBe('resume-1');
    expect(resolveRunId({}, 'given')).toBe('given');
    for (const bad of ['../x', '', '-rf', 'a b', { id: 1 }, 'x'.repeat(129)]) {
      expect(() => resolveRunId({ tpx_run_id: bad })).toThrow(UsageError);
    }
    expect(() => resolveRunId({ tpx_run_id: 'a/b' })).toThrow(/not a usable run id/);
  });
});
