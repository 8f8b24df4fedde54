/**
 * lineinfile cases: file content before, parameters, content after and msg, as Ansible's
 * lineinfile (ansible-core 2.14) gives them — checked against it when these rows were written.
 */
export const LINEINFILE_CASES: readonly (readonly [string, string, Record<string, unknown>, string, string])[] = [
  ['adds at the end', 'a\nb\n', { line: 'c' }, 'a\nb\nc\n', 'line added'],
  ['leaves an existing line', 'a\nb\n', { line: 'a' }, 'a\nb\n', ''],
  ['replaces the last regexp match', 'x=1\nx=2\n', { regexp: '^x=', line: 'x=3' }, 'x=1\nx=3\n', 'line replaced'],
  ['replaces the first with firstmatch', 'x=1\nx=2\n', { regexp: '^x=', line: 'x=3', firstmatch: true }, 'x=3\nx=2\n', 'line replaced'],
  ['backrefs without a match leaves the file', 'a\n', { regexp: '^port=(\\d+)$', line: 'port=\\1', backrefs: true }, 'a\n', ''],
  [
    'backrefs expand groups',
    'port=80\n',
    { regexp: '^port=(?P<p>\\d+)$', line: 'port=\\g<p> # was \\1', backrefs: true },
    'port=80 # was 80\n',
    'line replaced',
  ],
  ['without backrefs \\1 stays', 'port=80\n', { regexp: '^port=', line: 'port=\\1' }, 'port=\\1\n', 'line replaced'],
  ['inserts after a regexp match', '[main]\na=1\n[other]\n', { insertafter: '^\\[main\\]', line: 'b=2' }, '[main]\nb=2\na=1\n[other]\n', 'line added'],
  ['inserts after the last match', 'k\nk\n', { insertafter: '^k', line: 'z' }, 'k\nk\nz\n', 'line added'],
  ['inserts after the first match with firstmatch', 'k\nk\n', { insertafter: '^k', line: 'z', firstmatch: true }, 'k\nz\nk\n', 'line added'],
  ['inserts at BOF', 'a\n', { insertbefore: 'BOF', line: '# top' }, '# top\na\n', 'line added'],
  ['inserts before a regexp match', 'a\nb\n', { insertbefore: '^b', line: 'x' }, 'a\nx\nb\n', 'line added'],
  ['an insertafter that matches nothing adds at the end', 'a\n', { insertafter: '^zzz', line: 'x' }, 'a\nx\n', 'line added'],
  ['adds a newline to a last line without one', 'a', { line: 'b' }, 'a\nb\n', 'line added'],
  ['regexp not found: inserts after insertafter', 'a\nb\n', { regexp: '^c=', insertafter: '^a', line: 'c=1' }, 'a\nc=1\nb\n', 'line added'],
  ['replaces a line found by search_string', 'foo bar\nqux\n', { search_string: 'bar', line: 'baz' }, 'baz\nqux\n', 'line replaced'],
  ['a CRLF line equal to line is rewritten with LF', 'a\r\nb\n', { line: 'a' }, 'a\nb\n', 'line replaced'],
  ['removes every equal line', 'a\nb\na\n', { state: 'absent', line: 'a' }, 'b\n', '2 line(s) removed'],
  ['removes regexp matches', 'x=1\ny\nx=2\n', { state: 'absent', regexp: '^x=' }, 'y\n', '2 line(s) removed'],
  ['removes search_string matches', 'foo\nbar\n', { state: 'absent', search_string: 'oo' }, 'bar\n', '1 line(s) removed'],
  ['removes nothing when nothing matches', 'a\n', { state: 'absent', line: 'b' }, 'a\n', ''],
];
