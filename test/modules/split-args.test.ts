import { describe, expect, it } from 'vitest';
import { extractInlineOptions, splitShellWords } from '../../src/modules/split-args.js';

describe('splitShellWords', () => {
  it.each<[string, string[]]>([
    ['ls -l /tmp', ['ls', '-l', '/tmp']],
    ['  spaced   out  ', ['spaced', 'out']],
    [`echo 'a b' "c d"`, ['echo', 'a b', 'c d']],
    [`echo "it's" 'say "hi"'`, ['echo', "it's", 'say "hi"']],
    ['echo a\\ b', ['echo', 'a b']],
    ['echo "\\$HOME \\"q\\" \\\\ \\n"', ['echo', '$HOME "q" \\ \\n']],
    ['echo $(id) `id` $HOME', ['echo', '$(id)', '`id`', '$HOME']],
    [`echo ''`, ['echo', '']],
    ['a"b"\'c\'d', ['abcd']],
    ['echo a|b>c', ['echo', 'a|b>c']],
    ['', []],
  ])('%j', (line, words) => {
    expect(splitShellWords(line)).toEqual(words);
  });

  it.each(["echo 'oops", 'echo "oops', 'echo "a\\"'])('rejects an unterminated quote in %j', (line) => {
    expect(() => splitShellWords(line)).toThrow(/unterminated/);
  });
});

describe('extractInlineOptions', () => {
  const keys = ['chdir', 'creates'];
  it.each<[string, Record<string, string>, string]>([
    ['ls -l', {}, 'ls -l'],
    ['creates=/x touch /x', { creates: '/x' }, 'touch /x'],
    ["chdir='/a b' make all creates=/out", { chdir: '/a b', creates: '/out' }, 'make all'],
    ['echo foo=bar', {}, 'echo foo=bar'],
    ["echo 'creates=/x'", {}, "echo 'creates=/x'"],
  ])('%j', (line, options, rest) => {
    expect(extractInlineOptions(line, keys)).toEqual({ options, rest });
  });
});
