import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { EventBus } from '../../src/engine/events.js';
import { FileReporter } from '../../src/reporters/file-reporter.js';
import { successfulRun } from './scenarios.js';

const dir = mkdtempSync(join(tmpdir(), 'tpx-file-reporter-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const OLD = '{"playbook":"an earlier run"}\n';

describe("FileReporter: the file is this run's or absent", () => {
  test("an earlier run's file is gone as soon as the run starts, before anything is written", () => {
    const path = join(dir, 'stale.json');
    writeFileSync(path, OLD);
    new FileReporter(path, () => 'new\n').attach(new EventBus());
    // A run that dies here (kill -9, an internal error) leaves no report rather than the old one.
    expect(existsSync(path)).toBe(false);
  });

  test('a report that cannot be rendered: the earlier file is removed and the error says so', async () => {
    const path = join(dir, 'render.json');
    const reporter = new FileReporter(path, () => {
      throw new RangeError('Invalid string length');
    });
    const bus = new EventBus();
    reporter.attach(bus);
    for (const e of successfulRun()) bus.emit(e);
    writeFileSync(path, OLD); // put back, as if written by someone else meanwhile
    await expect(reporter.end()).rejects.toMatchObject({
      code: 'report-write',
      message: `cannot write ${path}: Invalid string length; no file is left there`,
    });
    expect(existsSync(path)).toBe(false);
  });

  test('a write that fails after this run wrote once leaves no file that reads as finished', async () => {
    const path = join(dir, 'twice.json');
    let fail = false;
    const reporter = new FileReporter(path, () => {
      if (fail) throw new Error('disk full');
      return 'first\n';
    });
    const bus = new EventBus();
    reporter.attach(bus);
    const events = successfulRun();
    for (const e of events.slice(0, -1)) bus.emit(e);
    await reporter.end();
    expect(readFileSync(path, 'utf8')).toBe('first\n');
    fail = true;
    bus.emit(events.at(-1)!);
    await expect(reporter.end()).rejects.toThrow(/disk full; no file is left there$/);
    expect(existsSync(path)).toBe(false);
  });

  test("a path that is a directory: the error says what is there is not this run's report", async () => {
    const path = join(dir, 'a-directory');
    mkdirSync(join(path, 'inside'), { recursive: true });
    const reporter = new FileReporter(path, () => 'x\n');
    reporter.attach(new EventBus());
    await expect(reporter.end()).rejects.toThrow(
      /^cannot write .*a-directory: .*; and what is there could not be removed \(.*\): it is not this run's report$/,
    );
  });
});
