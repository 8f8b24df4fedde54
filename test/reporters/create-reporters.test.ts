import { describe, expect, test } from 'vitest';
import { createReporters, ReporterGroup, resolveOutputMode } from '../../src/reporters/create-reporters.js';
import { JsonReporter } from '../../src/reporters/json-reporter.js';
import { PlainReporter } from '../../src/reporters/plain-reporter.js';
import { FileReporter } from '../../src/reporters/file-reporter.js';
import { TtyReporter } from '../../src/reporters/tty-reporter.js';
import { CaptureStream } from './fake-stream.js';

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
