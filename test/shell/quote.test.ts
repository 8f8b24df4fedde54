import { describe, expect, it } from 'vitest';
import { quoteArg, quoteArgv, quoteGlob, quotePathOperand } from '../../src/shell/quote.js';
import { HOSTILE_NAMES, makeTempDir } from '../modules/fixtures.js';
import { runShell } from '../modules/local-executor.js';

describe('quoteArg', () => {
  it.each([
    ['/etc/hosts', '/etc/hosts'],
    ['', "''"],
    ['a b', "'a b'"],
    ["it's", "'it'\\''s'"],
    ['$(id)', "'$(id)'"],
    ['FOO=bar', "'FOO=bar'"],
    ['~', "'~'"],
    ['--mode', '--mode'],
  ])('%j → %s', (input, expected) => {
    expect(quoteArg(input)).toBe(expected);
  });

  it('rejects a NUL byte', () => {
    expect(() => quoteArg('a\0b')).toThrow(/NUL/);
  });

  it('round-trips hostile strings through a real sh as exactly one word each', () => {
    const dir = makeTempDir();
    const values = [...HOSTILE_NAMES, '', ' lead', "'", "''", '\\', '!', '#hash', '%s'];
    const r = runShell(`printf '%s\\0' ${quoteArgv(values)}`, dir);
    expect(r.rc).toBe(0);
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(values);
    expect(runShell('ls', dir).stdout).toBe(''); // nothing was executed or created
  });
});

describe('quoteGlob', () => {
  it('keeps * and ? as globs and quotes the rest', () => {
    expect(quoteGlob('/opt/kuma/*/bin')).toBe('/opt/kuma/*/bin');
    expect(quoteGlob('/a b/*.$(x)')).toBe("'/a b/'*'.$(x)'");
    expect(quoteGlob('/plain')).toBe('/plain');
  });

  it('matches files with a real sh, never expanding the literal parts', () => {
    const dir = makeTempDir();
    runShell("mkdir -p 'x y' && touch 'x y/f.$(touch pwned).log'", dir);
    const r = runShell(`for f in ${quoteGlob(`${dir}/x y/*.$(touch pwned).log`)}; do echo "$f"; done`, dir);
    expect(r.stdout.trim()).toBe(`${dir}/x y/f.$(touch pwned).log`);
    expect(runShell('ls', dir).stdout.trim()).toBe('x y');
  });
});

describe('quotePathOperand', () => {
  it('prefixes a relative path that looks like an option', () => {
    expect(quotePathOperand('-dir')).toBe('./-dir');
    expect(quotePathOperand('/abs')).toBe('/abs');
  });
});
