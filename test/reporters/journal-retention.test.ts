import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keepJournalsSetting, pruneJournals } from '../../src/reporters/journal-retention.js';

const root = mkdtempSync(join(tmpdir(), 'tpx-journals-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const REPO = join(import.meta.dirname, '../..');

/** A journal of `playbook` whose mtime is `age` seconds ago. */
function journal(dir: string, name: string, playbook: string, age: number): string {
  const path = join(dir, `${name}.jsonl`);
  writeFileSync(path, `${JSON.stringify({ type: 'journal', version: 1, run_id: name, playbook, started: 'x', pid: 1, controller: 'c' })}\n`);
  const t = Date.now() / 1000 - age;
  utimesSync(path, t, t);
  return path;
}

describe('pruneJournals', () => {
  it("keeps the newest N of each playbook and the run's own, and touches nothing that is not a tpx journal", () => {
    const dir = join(root, 'runs');
    mkdirSync(dir);
    for (let i = 0; i < 5; i++) journal(dir, `a-${i}`, '/pb/a.yaml', 100 - i * 10); // a-4 newest
    for (let i = 0; i < 2; i++) journal(dir, `b-${i}`, '/pb/b.yaml', 500 + i);
    const own = journal(dir, 'a-own', '/pb/a.yaml', 1000); // the oldest, but the run's own
    writeFileSync(join(dir, 'notes.jsonl'), '{"type":"something else"}\n');
    const outside = join(root, 'precious.jsonl');
    journal(root, 'precious', '/pb/a.yaml', 5000);
    symlinkSync(outside, join(dir, 'link.jsonl'));

    const removed = pruneJournals({ dir, keep: 2, protect: [own] })
      .map((p) => p.slice(dir.length + 1))
      .sort();
    expect(removed).toEqual(['a-0.jsonl', 'a-1.jsonl', 'a-2.jsonl']);
    expect(readdirSync(dir).sort()).toEqual(['a-3.jsonl', 'a-4.jsonl', 'a-own.jsonl', 'b-0.jsonl', 'b-1.jsonl', 'link.jsonl', 'notes.jsonl']);
    expect(existsSync(outside)).toBe(true);
    // One playbook only, and keep 0 (TPX_KEEP_JOURNALS=0) removes nothing.
    expect(pruneJournals({ dir, keep: 1, playbook: '/pb/b.yaml' }).map((p) => p.slice(dir.length + 1))).toEqual(['b-1.jsonl']);
    expect(pruneJournals({ dir, keep: 0 })).toEqual([]);
  });

  it('TPX_KEEP_JOURNALS: unset is 20, 0 keeps all, anything else is refused with the reason', () => {
    expect(keepJournalsSetting(undefined)).toBe(20);
    expect(keepJournalsSetting('0')).toBe(0);
    expect(keepJournalsSetting('5')).toBe(5);
    expect(() => keepJournalsSetting('five')).toThrow('TPX_KEEP_JOURNALS must be a whole number (0 keeps every journal), got "five"');
  });

  it('tpx journal prune removes the oldest in the journal directory and says how many', () => {
    const state = join(root, 'state');
    const dir = join(state, 'tpx', 'runs');
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 4; i++) journal(dir, `r-${i}`, '/pb/u.yaml', 100 - i);
    const run = spawnSync(process.execPath, [join(REPO, 'bin/tpx.js'), 'journal', 'prune', '--keep', '3'], {
      encoding: 'utf8',
      env: { ...process.env, XDG_STATE_HOME: state },
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe(`1 journal removed from ${dir} (the newest 3 of each playbook kept)\n`);
    expect(readdirSync(dir).sort()).toEqual(['r-1.jsonl', 'r-2.jsonl', 'r-3.jsonl']);
  });
});
