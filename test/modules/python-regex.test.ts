import { describe, expect, it } from 'vitest';
import { compilePythonRegex, expandTemplate, fromBinary, toBinary } from '../../src/modules/python-regex.js';

const search = (pattern: string, text: string, multiline = false): (string | undefined)[] | null => {
  const m = compilePythonRegex(pattern, { multiline }).exec(toBinary(text));
  return m ? [...m].map((g) => (g === undefined ? undefined : fromBinary(g))) : null;
};

describe('Python regular expressions on bytes', () => {
  // Each row: what Python's re.search(pattern.encode(), text.encode()) finds (checked with python3).
  it.each<[string, string, (string | undefined)[] | null]>([
    ['^foo$', 'foo\n', ['foo']],
    ['^foo$', 'foo\r\n', null],
    ['foo.$', 'foo\r\n', ['foo\r']],
    ['o\\Z', 'foo\n', null],
    ['\\Afoo', 'foo', ['foo']],
    ['(?P<k>\\w+)=(?P=k)', 'a=a', ['a=a', 'a']],
    ['x{,2}y', 'xxy', ['xxy']],
    ['[]a]+', 'a]]', ['a]]']],
    ['\\s+', 'a\u00a0 b', [' ']],
    ['(?i)FOO', 'foo', ['foo']],
    ['a(?#comment)b', 'ab', ['ab']],
    ['é+', 'éé', ['é']],
    ['\\x41\\101', 'AA', ['AA']],
    ['(a)|(b)', 'b', ['b', undefined, 'b']],
  ])('%j in %j', (pattern, text, expected) => {
    expect(search(pattern, text)).toEqual(expected);
  });

  it('multiline: ^ and $ at every line, only around \\n', () => {
    expect(search('^b$', 'a\nb\nc', true)).toEqual(['b']);
    expect(search('^b$', 'a\r\nb\r\nc', true)).toBeNull();
  });

  it.each<[string, RegExp]>([
    ['(?x) a b', /verbose mode/],
    ['a(?i:b)', /inline flags are supported only at the start/],
    ['(?>a)', /atomic groups/],
    ['(a)?(?(1)b|c)', /conditional groups/],
    ['\\q', /bad escape \\q/],
    ['[abc', /unterminated character set/],
    ['a**', /invalid regular expression/],
  ])('refuses %j', (pattern, message) => {
    expect(() => compilePythonRegex(pattern)).toThrow(message);
  });

  it.each<[string, string]>([
    ['\\1-\\g<1>-\\g<name>', 'x-x-x'],
    ['\\2|', '|'],
    ['a\\tb\\\\', 'a\tb\\'],
    ['\\.', '\\.'],
  ])('expands %j as match.expand does', (template, expected) => {
    const m = compilePythonRegex('(?P<name>x)(y)?').exec('x')!;
    expect(expandTemplate(template, m)).toBe(expected);
  });

  it.each(['\\q', '\\3', '\\g<nope>'])('refuses the template %j', (template) => {
    const m = compilePythonRegex('(x)').exec('x')!;
    expect(() => expandTemplate(template, m)).toThrow();
  });
});
