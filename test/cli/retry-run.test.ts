/**
 * `tpx run --retry-failed` when the earlier run left nothing to do, or was on another fleet:
 * said at once, before anything connects (the inventory's hosts refuse connections, so a
 * connection attempt would show as unreachable, exit 3).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runTpx } from './run-built-tpx.js';

let dir = '';
const report = (hosts: Record<string, string>): string => {
  const file = join(dir, `report-${Object.keys(hosts).join('-')}.json`);
  writeFileSync(file, JSON.stringify({ run_id: 'r1', hosts: Object.fromEntries(Object.entries(hosts).map(([h, status]) => [h, { status, tasks: [] }])) }));
  return file;
};
beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tpx-retry-run-'));
  writeFileSync(join(dir, 'inv.yaml'), 'all:\n  hosts:\n    web-1: { host: 127.0.0.1, port: 9 }\n    web-2: { host: 127.0.0.1, port: 9 }\n');
  writeFileSync(join(dir, 'pb.yaml'), '- hosts: all\n  tasks:\n    - command: "true"\n');
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (file: string) =>
  runTpx(['run', join(dir, 'pb.yaml'), '-i', join(dir, 'inv.yaml'), '--retry-failed', file, '--output', 'plain'], {
    env: { XDG_STATE_HOME: join(dir, 'state') },
  });

describe('--retry-failed with nothing to run', () => {
  it('every host finished: says so, exit 0, nothing run', () => {
    const r = run(report({ 'web-1': 'ok', 'web-2': 'changed' }));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^tpx: nothing to retry: every host of the run in .*report-web-1-web-2\.json finished; nothing was run\n$/);
  });

  it('hosts of another fleet: an error naming them, exit 1, nothing run', () => {
    const r = run(report({ 'db-1': 'failed', 'db-2': 'unreachable' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/none of the hosts it would run again \(db-1, db-2\) is in this inventory/);
    expect(r.stdout).toBe('');
  });
});
