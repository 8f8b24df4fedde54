import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { EventBus } from '../../src/engine/events.js';
import { createReporters, ReporterGroup, resolveOutputMode } from '../../src/reporters/create-reporters.js';
import { JsonReporter } from '../../src/reporters/json-reporter.js';
import { PlainReporter } from '../../src/reporters/plain-reporter.js';
import { FileReporter } from '../../src/reporters/file-reporter.js';
import { TtyReporter } from '../../src/reporters/tty-reporter.js';
import { CaptureStream } from './fake-stream.js';
import { successfulRun } from './scenarios.js';

describe('createReporters', () => {
  test.each([
    ['auto', true, 'tty'],
    ['auto', false, 'plain'],
    [undefined, true, 'tty'],
    ['plain', true, 'plain'],
    ['tty', false, 'tty'],
    ['json', true, 'json'],
  ] as const)('--output %s on a tty=%s → %s', (mode, isTTY, expected) => {
    expect(resolveOutputMode(mode, { isTTY })).toBe(expected);
  });

  test('one progress output plus the files asked for', () => {
    const kinds = (options: Parameters<typeof createReporters>[0]) =>
      (createReporters({ stdout: new CaptureStream(), ...options }) as ReporterGroup).reporters.map((r) => r.constructor);
    expect(kinds({ output: 'json' })).toEqual([JsonReporter]);
    expect(kinds({ output: 'auto' })).toEqual([PlainReporter]);
    expect(kinds({ output: 'auto', stdout: new CaptureStream({ isTTY: true }) })).toEqual([TtyReporter]);
    expect(kinds({ output: 'plain', report: '/tmp/x.json', junit: '/tmp/x.xml' })).toEqual([PlainReporter, FileReporter, FileReporter]);
  });

  test('the report, JUnit and HTML files are written from one record of the run, each event recorded once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpx-files-'));
    try {
      const group = createReporters({
        stdout: new CaptureStream(),
        output: 'json',
        report: join(dir, 'r.json'),
        junit: join(dir, 'r.xml'),
        reportHtml: join(dir, 'r.html'),
      }) as ReporterGroup;
      const bus = new EventBus();
      let subscribers = 0;
      const subscribe = bus.subscribe.bind(bus);
      bus.subscribe = (fn) => {
        subscribers++;
        return subscribe(fn);
      };
      group.attach(bus);
      // The JSON output and one record for the three files.
      expect(subscribers).toBe(2);
      for (const e of successfulRun()) bus.emit(e);
      await group.end();
      const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { stats: Record<string, { changed: number }> };
      expect(report.stats['mesh-01'].changed).toBe(1);
      expect(readFileSync(join(dir, 'r.xml'), 'utf8')).toContain('<testsuite name="mesh-01"');
      expect(readFileSync(join(dir, 'r.html'), 'utf8')).toContain('mesh-01');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('end() ends every reporter and rethrows the first failure', async () => {
    const ended: string[] = [];
    const group = new ReporterGroup([
      { attach: () => undefined, end: async () => void ended.push('a') },
      { attach: () => undefined, end: async () => Promise.reject(new Error('disk full')) },
      { attach: () => undefined, end: async () => void ended.push('c') },
    ]);
    await expect(group.end()).rejects.toThrow('disk full');
    expect(ended).toEqual(['a', 'c']);
  });
});
