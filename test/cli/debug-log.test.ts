import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { debugLogDir, writeDebugLog } from '../../src/cli/debug-log.js';
import { useStateHome } from './state-home.js';

const home = useStateHome('tpx-debug-log-');

describe('writeDebugLog', () => {
  it('writes into $XDG_STATE_HOME/tpx/debug (0700) a file of its own (0600) with an unguessable name', () => {
    const path = writeDebugLog('the stack\n', { env: home.env, now: new Date('2025-03-04T05:06:07.890Z') });
    expect(debugLogDir(home.env)).toBe(join(home.root, 'state', 'tpx', 'debug'));
    expect(path).toMatch(new RegExp(`^${join(home.root, 'state', 'tpx', 'debug')}/debug-20250304T050607Z-[0-9a-f]{16}\\.log$`));
    expect(readFileSync(path, 'utf8')).toBe('the stack\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(debugLogDir(home.env)).mode & 0o777).toBe(0o700);
    expect(statSync(join(home.root, 'state', 'tpx')).mode & 0o777).toBe(0o700);
    // Two logs of the same second never share a name.
    expect(writeDebugLog('again\n', { env: home.env, now: new Date('2025-03-04T05:06:07.890Z') })).not.toBe(path);
  });

  it('defaults to ~/.local/state/tpx/debug without XDG_STATE_HOME (or with a relative one)', () => {
    expect(debugLogDir({ HOME: '/home/op' })).toBe('/home/op/.local/state/tpx/debug');
    expect(debugLogDir({ HOME: '/home/op', XDG_STATE_HOME: 'rel' })).toBe('/home/op/.local/state/tpx/debug');
  });

  it('is 0600 whatever the umask', () => {
    const before = process.umask(0o000);
    try {
      expect(statSync(writeDebugLog('x', { env: home.env })).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(before);
    }
  });

  it('never follows a symlink planted at the very path: the write fails and the target is untouched', () => {
    const dir = debugLogDir(home.env);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const victim = join(home.root, 'victim');
    writeFileSync(victim, 'precious\n');
    const now = new Date('2025-01-01T00:00:00Z');
    symlinkSync(victim, join(dir, 'debug-20250101T000000Z-guessed.log'));
    expect(() => writeDebugLog('stack\n', { env: home.env, now, random: () => 'guessed' })).toThrow(/EEXIST/);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(lstatSync(join(dir, 'debug-20250101T000000Z-guessed.log')).isSymbolicLink()).toBe(true);
  });

  it('never opens an existing file either', () => {
    const dir = debugLogDir(home.env);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'debug-20250101T000000Z-guessed.log'), 'old\n');
    expect(() => writeDebugLog('new\n', { env: home.env, now: new Date('2025-01-01T00:00:00Z'), random: () => 'guessed' })).toThrow(/EEXIST/);
    expect(readFileSync(join(dir, 'debug-20250101T000000Z-guessed.log'), 'utf8')).toBe('old\n');
  });

  it('narrows an existing directory of ours that is open to others to 0700', () => {
    const dir = debugLogDir(home.env);
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o777);
    writeDebugLog('x', { env: home.env });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it.skipIf(process.getuid?.() !== 0)('refuses a directory that belongs to someone else', () => {
    const dir = debugLogDir(home.env);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chownSync(dir, 65534, 65534);
    expect(() => writeDebugLog('x', { env: home.env })).toThrow(`${dir} belongs to another user (uid 65534)`);
    expect(readdirSync(dir)).toEqual([]);
  });
});
