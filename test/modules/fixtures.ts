import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import type { ExecResult } from '../../src/transport/connection.js';

/** An ExecResult as a fact command would return it. */
export function execResult(stdout: string, rc: number | null = 0, stderr = ''): ExecResult {
  return { rc, signal: null, stdout, stderr, timedOut: false, durationMs: 1 };
}

/** Names that break naive quoting: spaces, quotes, expansions, globs, a leading dash, newlines. */
export const HOSTILE_NAMES = [
  'with space',
  "it's",
  'dq"uote',
  '$(touch pwned)',
  '`touch pwned`',
  '$HOME',
  '*',
  '-rf',
  'new\nline',
  'semi;colon&amp|pipe',
  'back\\slash',
  'ünïcödé',
];

const made: string[] = [];

/** A fresh temporary directory, removed after the current test. */
export function makeTempDir(prefix = 'tpx-modules-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Matches a plan against the expected fields; a field expected as undefined must be absent or undefined. */
export function expectPlan(actual: object, expected: Record<string, unknown>): void {
  const present = Object.fromEntries(Object.entries(expected).filter(([, v]) => v !== undefined));
  expect(actual).toMatchObject(present);
  for (const [k, v] of Object.entries(expected)) if (v === undefined) expect((actual as Record<string, unknown>)[k], k).toBeUndefined();
}
