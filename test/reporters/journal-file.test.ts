import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { EventBus, type EngineEvent } from '../../src/engine/events.js';
import { SecretMasker } from '../../src/errors/mask-secrets.js';
import { JournalReporter } from '../../src/reporters/journal-file.js';
import { defaultJournalDir, findNewestJournal, journalPathFor, readJournalHeader } from '../../src/reporters/journal-paths.js';
import { runEvents } from './run-events.js';
import { result, secretRun, successfulRun } from './scenarios.js';

const dir = mkdtempSync(join(tmpdir(), 'tpx-journal-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lines = (path: string): Record<string, unknown>[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('run journal', () => {
  test('a header, then one line per event as it happens (no output chunks), mode 0600 in a 0700 dir', async () => {
    const path = join(dir, 'new', 'state', 'r1.jsonl');
    const journal = { paths: [path], runId: 'r1', playbook: 'playbooks/upgrade.yaml' };
    const seen: number[] = [];
    const events: EngineEvent[] = [...successfulRun(), { type: 'task-output', host: 'mesh-01', task: 't', stream: 'stdout', chunk: 'x\n' }];
    // Read the file while the events arrive: each is on disk before the next comes.
    const probe: EngineEvent[] = events.flatMap((e) => [e, { type: 'warning', msg: 'probe' } as EngineEvent]);
    const reporter = new JournalReporter({ ...journal, masker: new SecretMasker() });
    const bus = new EventBus();
    reporter.attach(bus);
    for (const e of probe) {
      bus.emit(e);
      seen.push(lines(path).length);
    }
    await reporter.end();
    const all = lines(path);
    expect(all[0]).toMatchObject({ type: 'journal', version: 1, run_id: 'r1', playbook: join(process.cwd(), 'playbooks/upgrade.yaml'), pid: process.pid });
    expect(all.some((l) => l.type === 'task-output')).toBe(false);
    // Every emit grew the file at once (probes included); the chunk did not.
    expect(seen.at(-1)).toBe(all.length);
    expect(seen[0]).toBe(2);
    expect(all.find((l) => l.type === 'task-end')).toMatchObject({ host: expect.any(String), status: expect.any(String), t: expect.any(String) });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'new', 'state')).mode & 0o777).toBe(0o700);
    expect(readJournalHeader(path)?.run_id).toBe('r1');
  });

  test('secrets masked, no_log output left out, long output cut', async () => {
    const path = join(dir, 'secret.jsonl');
    const masker = new SecretMasker();
    masker.add('hunter2-pw');
    const long = 'y'.repeat(5000);
    await runEvents([...secretRun('hunter2-pw'), { type: 'task-end', result: result('mesh-02', 'big', 'ok', { stdout: long }) }], {
      output: 'json',
      masker,
      journal: { paths: [path], runId: 'r2', playbook: 'p.yaml' },
    });
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain('hunter2-pw');
    expect(text).not.toContain('token for');
    const big = lines(path).find((l) => l.task === 'big')!;
    expect(String(big.stdout).length).toBeLessThan(1100);
  });

  test('appends to an existing journal (a retry with the same run id), truncates the ones asked for', async () => {
    const keep = join(dir, 'keep.jsonl');
    const fresh = join(dir, 'fresh.journal');
    writeFileSync(keep, '{"type":"journal","run_id":"old"}\n');
    writeFileSync(fresh, 'old content\n');
    await runEvents(successfulRun(), { output: 'json', journal: { paths: [keep, fresh], truncate: [fresh], runId: 'r3', playbook: 'p.yaml' } });
    expect(lines(keep)[0]).toEqual({ type: 'journal', run_id: 'old' });
    expect(lines(keep)[1]).toMatchObject({ type: 'journal', run_id: 'r3' });
    expect(readFileSync(fresh, 'utf8')).not.toContain('old content');
  });

  test('a journal that cannot be written is reported once and the run goes on; plain output names the journal', async () => {
    const errors: string[] = [];
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, '');
    const { out } = await runEvents(successfulRun(), {
      output: 'plain',
      journal: { paths: [join(blocker, 'x.jsonl')], runId: 'r4', playbook: 'p.yaml', onError: (m) => errors.push(m) },
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/cannot write the run journal .*x\.jsonl/);
    expect(out.text()).not.toContain('journal:');
    const path = join(dir, 'named.jsonl');
    const named = await runEvents(successfulRun(), { output: 'plain', journal: { paths: [path], runId: 'r5', playbook: 'p.yaml' } });
    expect(named.out.text().split('\n')[1]).toBe(`journal: ${path}`);
  });

  test('paths: XDG_STATE_HOME or ~/.local/state; the newest journal of a playbook', async () => {
    expect(defaultJournalDir({ XDG_STATE_HOME: '/x/state', HOME: '/home/a' })).toBe('/x/state/tpx/runs');
    expect(defaultJournalDir({ HOME: '/home/a' })).toBe('/home/a/.local/state/tpx/runs');
    expect(defaultJournalDir({ XDG_STATE_HOME: 'relative', HOME: '/home/a' })).toBe('/home/a/.local/state/tpx/runs');
    expect(journalPathFor('abc', { HOME: '/h' })).toBe('/h/.local/state/tpx/runs/abc.jsonl');
    const runs = join(dir, 'runs');
    const mk = (name: string, playbook: string, ageS: number): void => {
      const p = join(runs, name);
      rmSync(p, { force: true });
      new JournalReporter({ paths: [p], runId: name, playbook }).end();
      const t = Date.now() / 1000 - ageS;
      utimesSync(p, t, t);
    };
    mk('a.jsonl', '/pb/upgrade.yaml', 30);
    mk('b.jsonl', '/pb/upgrade.yaml', 10);
    mk('c.jsonl', '/pb/other.yaml', 1);
    expect(findNewestJournal('/pb/upgrade.yaml', runs)).toBe(join(runs, 'b.jsonl'));
    expect(findNewestJournal('/pb/none.yaml', runs)).toBeNull();
    expect(findNewestJournal('/pb/upgrade.yaml', join(dir, 'missing'))).toBeNull();
  });
});

describe('run journal syncs', () => {
  test('in the background, one at a time per file: requests made meanwhile fold into one more; the end waits for it', async () => {
    const path = join(dir, 'sync.jsonl');
    const calls: { fd: number; done: () => void }[] = [];
    const reporter = new JournalReporter({
      paths: [path],
      runId: 'r9',
      playbook: 'p.yaml',
      syncFile: (fd, done) => calls.push({ fd, done }),
    });
    const bus = new EventBus();
    reporter.attach(bus);
    // The header asked for a sync: one in flight. Five host ends meanwhile: one more, later.
    expect(calls).toHaveLength(1);
    for (let i = 0; i < 5; i++) bus.emit({ type: 'host-end', host: `h${i}` } as EngineEvent);
    expect(calls).toHaveLength(1);
    // Every line is in the file already: syncing is for a crash of the machine, not of tpx.
    expect(lines(path)).toHaveLength(6);
    let ended = false;
    const ending = reporter.end().then(() => (ended = true));
    calls[0]!.done();
    await new Promise((r) => setImmediate(r));
    expect(calls).toHaveLength(2);
    expect(ended).toBe(false);
    calls[1]!.done();
    await ending;
    expect(calls).toHaveLength(2);
    expect(reporter.paths).toEqual([]);
  });
});
