import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseIniValue } from '../../src/inventory/python-literal.js';

// Python itself is the oracle: each value goes through Ansible's rule (ast.literal_eval, the
// text when that fails) in python3, and tpx must read it the same.
const VALUES = [
  '8080',
  '-5',
  '+7',
  '- 3',
  '0',
  '00',
  '010',
  '0x1F',
  '0o17',
  '0b101',
  '1_000',
  '1__0',
  '0x_1f',
  '1.5',
  '.5',
  '1.',
  '1e3',
  '1E-3',
  '1.e5',
  '-1.25',
  '1e',
  'e5',
  '.',
  '1.5.',
  'True',
  'False',
  'None',
  'true',
  'yes',
  'no',
  'Truex',
  'True False',
  '',
  "'a b'",
  '"a b"',
  "'it''s'",
  '\'a\' "b"',
  "u'x'",
  "r'a\\nb'",
  "b'bytes'",
  "'\\x41\\u00e9\\n'",
  "'\\q'",
  "'''tri'ple'''",
  '"unterminated',
  "'a' b'c'",
  "f'{x}'",
  '[1, 2]',
  '[1, "x", [True, None]]',
  '[1,]',
  '[,]',
  '()',
  '(1)',
  '(1,)',
  '(1, 2)',
  "{'k': 1, 'l': [2]}",
  '{}',
  "{1: 'one', False: 'no', None: 0}",
  "{'a': 1, 'b'}",
  '1, 2',
  '1,',
  "'a', 'b'",
  'a.b',
  'foo',
  'hello world',
  '/etc/hosts',
  '5 # five',
  'hello # comment',
  '{{ x }}',
  '[1, 2',
  '1+2',
  '  42',
  '\t"x"',
];

function pythonAnswers(values: readonly string[]): unknown[] {
  const program = [
    'import ast, json, sys',
    'def fix(v):',
    '    if isinstance(v, bytes): return v.decode()',
    '    if isinstance(v, (list, tuple)): return [fix(x) for x in v]',
    '    if isinstance(v, dict): return {k: fix(x) for k, x in v.items()}',
    '    return v',
    'out = []',
    'for text in json.load(sys.stdin):',
    '    try: v = ast.literal_eval(text)',
    '    except (ValueError, SyntaxError): v = text',
    '    out.append(fix(v))',
    'json.dump(out, sys.stdout)',
  ].join('\n');
  const r = spawnSync('python3', ['-W', 'ignore', '-c', program], { input: JSON.stringify(values), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as unknown[];
}

describe('parseIniValue', () => {
  it('reads every value as Python ast.literal_eval does (the text when it fails)', () => {
    const theirs = pythonAnswers(VALUES);
    const ours = VALUES.map((v) => JSON.parse(JSON.stringify(parseIniValue(v))) as unknown);
    const differ = VALUES.flatMap((v, i) => (JSON.stringify(ours[i]) === JSON.stringify(theirs[i]) ? [] : [{ v, ours: ours[i], theirs: theirs[i] }]));
    expect(differ).toEqual([]);
    // The table exercises both answers: values that become something else and values kept as text.
    expect(VALUES.filter((v, i) => theirs[i] !== v).length).toBeGreaterThan(30);
    expect(VALUES.filter((v, i) => theirs[i] === v).length).toBeGreaterThan(15);
  });

  it('keeps complex numbers as text (a documented difference)', () => {
    expect(parseIniValue('1+2j')).toBe('1+2j');
  });
});

describe('parseIniValue on hostile input', () => {
  it('keeps a value nested thousands of levels deep as text instead of overflowing the stack', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(parseIniValue(deep)).toBe(deep);
  });
});
