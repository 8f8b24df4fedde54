import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseKeyValueArgs } from '../../src/modules/key-value-args.js';

// Ansible's own parse_kv (ansible-core from Debian) is the oracle: every line below must come
// apart the same way. Under CI ansible-core must be there (.ci/run installs it).
const LINES = [
  'path=/srv state=directory mode=0755',
  'msg="hello {{ name }}" x=1',
  'msg=\'single quoted\' other="double"',
  'content="a\\nb\\tc" dest=/tmp/x',
  'k={{ a | default("x y") }} j=2',
  'when={% if a %}yes{% else %}no{% endif %} z=1',
  'a=1 lone word',
  'x=a\\=b',
  'key=value=with=equals',
  'empty= next=1',
  '=nokey a=b',
  'url=http://example.com/?q=1&r=2',
  'multi="line one\nline two" after=1',
  'spaced="a  b"  c=d',
  'uni="caf\\u00e9" hex="\\x41"',
  'quoted_end="it\\"s" plain=it\\"s',
  'src={{ item }} dest=/etc/{{ item | basename }}',
];

const ansibleAvailable =
  spawnSync('python3', ['-c', 'import ansible.parsing.splitter'], { env: { ...process.env, PYTHONPATH: '/usr/lib/python3/dist-packages' } }).status === 0;

function ansibleParse(lines: readonly string[]): unknown[] {
  const program = [
    'import json, sys',
    'from ansible.parsing.splitter import parse_kv',
    'json.dump([parse_kv(l) for l in json.load(sys.stdin)], sys.stdout)',
  ].join('\n');
  const r = spawnSync('python3', ['-c', program], {
    input: JSON.stringify(lines),
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: '/usr/lib/python3/dist-packages' },
  });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as unknown[];
}

describe('parseKeyValueArgs', () => {
  it.runIf(ansibleAvailable || process.env.CI)('splits every line as Ansible parse_kv does', () => {
    expect(ansibleAvailable, 'ansible-core is needed (apt-get install ansible-core)').toBe(true);
    const theirs = ansibleParse(LINES) as Record<string, string>[];
    const ours = LINES.map((l) => {
      const { options, rest } = parseKeyValueArgs(l);
      return rest === undefined ? { ...options } : { ...options, _raw_params: rest };
    });
    const differ = LINES.flatMap((line, i) => (JSON.stringify(ours[i]) === JSON.stringify(theirs[i]) ? [] : [{ line, ours: ours[i], theirs: theirs[i] }]));
    expect(differ).toEqual([]);
    expect(theirs.filter((t) => '_raw_params' in t).length).toBeGreaterThan(1);
  });

  it.each([
    ['a="open', 'a double quote is not closed'],
    ['a={{ x', 'a Jinja block ({{ … }}, {% … %} or {# … #}) is not closed'],
  ])('refuses %j', (line, message) => {
    expect(() => parseKeyValueArgs(line)).toThrow(message);
  });
});
