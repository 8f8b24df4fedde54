import { chmodSync, lchownSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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

/**
 * A root-only file (its text contains `secret`) another user (uid 65534) reaches two ways from
 * a sticky world-writable directory: a link of theirs named `name` to it, and a link of theirs
 * on the way (`a` -> its directory). Each path comes with the start of the refusal a module
 * that reads a file root writes must give. Run as root.
 */
export function plantedSecretLinks(name: string): readonly (readonly [path: string, refusal: string])[] {
  const secret = join(makeTempDir(), 'shadow');
  writeFileSync(secret, 'root:$6$secret:19000:0:99999:7:::\n', { mode: 0o600 });
  const open = makeTempDir();
  chmodSync(open, 0o1777);
  const link = join(open, name);
  symlinkSync(secret, link);
  lchownSync(link, 65534, 65534);
  const way = join(open, 'a');
  symlinkSync(dirname(secret), way);
  lchownSync(way, 65534, 65534);
  return [
    [link, `${link} belongs to uid 65534 in a world-writable directory`],
    [join(way, 'shadow'), `the link ${way} on its way belongs to uid 65534: another user could choose what root reads and writes`],
  ];
}
