import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { type IniDocument, iniEntry, readIni } from '../../src/config/read-ini.js';

/** A document as plain data: sections (DEFAULT included when it has keys) → key → value. */
function plain(doc: IniDocument): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [name, entries] of doc.sections) out[name] = Object.fromEntries([...entries].map(([k, e]) => [k, e.value]));
  if (doc.defaults.size > 0) out.DEFAULT = Object.fromEntries([...doc.defaults].map(([k, e]) => [k, e.value]));
  return out;
}

/** What readIni makes of a text: its sections, or the line of its error. */
function ours(text: string): Record<string, Record<string, string>> | { errorLine: number } {
  try {
    return plain(readIni(text, 'ansible.cfg'));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { errorLine: Number(/^ansible\.cfg:(\d+)$/.exec(error.where)?.[1]) };
  }
}

const CASES: readonly (readonly [string, string, Record<string, Record<string, string>> | { errorLine: number }])[] = [
  ['key = value and key: value', '[defaults]\ninventory = hosts.ini\nforks: 20\n', { defaults: { inventory: 'hosts.ini', forks: '20' } }],
  ['keys lower-cased, section names not', '[Defaults]\nRemote_User = ops\n', { Defaults: { remote_user: 'ops' } }],
  [
    'the first = or : splits',
    '[ssh_connection]\nssh_args = -o ControlMaster=auto -o A:B\nx:y = z\n',
    { ssh_connection: { ssh_args: '-o ControlMaster=auto -o A:B', x: 'y = z' } },
  ],
  ['whole-line # and ; comments', '# top\n[defaults]\n; a comment\n  # indented comment\nforks = 5\n', { defaults: { forks: '5' } }],
  ['an inline ; after whitespace is a comment', '[defaults]\nremote_user = ops ; the login\n', { defaults: { remote_user: 'ops' } }],
  ['a ; inside a word is not', '[defaults]\nremote_user = ops;x\n', { defaults: { remote_user: 'ops;x' } }],
  ['an inline # is not a comment', '[defaults]\nremote_user = ops # the login\n', { defaults: { remote_user: 'ops # the login' } }],
  ['continuation lines', '[defaults]\ninventory = a.ini,\n  b.ini\n\n  c.ini\nforks = 5\n', { defaults: { inventory: 'a.ini,\nb.ini\n\nc.ini', forks: '5' } }],
  ['trailing blank lines dropped', '[defaults]\nforks = 5\n\n\n', { defaults: { forks: '5' } }],
  ['an indented key after a key continues its value', '[defaults]\nforks = 5\n  timeout = 3\n', { defaults: { forks: '5\ntimeout = 3' } }],
  ['an indented key after a header is a key', '[defaults]\n  forks = 5\n  timeout = 3\n', { defaults: { forks: '5', timeout: '3' } }],
  ['empty value', '[defaults]\nremote_user =\n', { defaults: { remote_user: '' } }],
  ['% kept (raw)', '[defaults]\nx = 100%\n', { defaults: { x: '100%' } }],
  ['CRLF line ends', '[defaults]\r\nforks = 7\r\n', { defaults: { forks: '7' } }],
  ['DEFAULT section', '[DEFAULT]\nremote_user = ops\n[defaults]\n', { defaults: {}, DEFAULT: { remote_user: 'ops' } }],
  ['text after a header', '[defaults] trailing\nforks = 1\n', { defaults: { forks: '1' } }],
  ['a key before any section', 'forks = 5\n[defaults]\n', { errorLine: 1 }],
  ['a section twice', '[defaults]\nforks = 5\n[defaults]\n', { errorLine: 3 }],
  ['a key twice', '[defaults]\nforks = 5\nFORKS = 6\n', { errorLine: 3 }],
  ['a line without a delimiter', '[defaults]\nforks = 5\njunk\n', { errorLine: 3 }],
  ['a value without a key', '[defaults]\n= 5\n', { errorLine: 2 }],
];

describe('readIni', () => {
  it.each(CASES)('%s', (_what, text, expected) => {
    expect(ours(text)).toEqual(expected);
  });

  it('keeps the line of each key and falls back to [DEFAULT] for sections that exist', () => {
    const doc = readIni('[DEFAULT]\nremote_user = ops\n[defaults]\nforks = 5\n', 'f.cfg');
    expect(iniEntry(doc, 'defaults', 'forks')).toEqual({ value: '5', line: 4 });
    expect(iniEntry(doc, 'defaults', 'remote_user')).toEqual({ value: 'ops', line: 2 });
    expect(iniEntry(doc, 'privilege_escalation', 'remote_user')).toBeUndefined();
  });

  it('names the file and line of an error', () => {
    expect(() => readIni('[a]\nx = 1\nX = 2\n', '/etc/ansible/ansible.cfg')).toThrow(
      '/etc/ansible/ansible.cfg:3: key "x" is written twice in [a] (first at line 2)',
    );
  });
});

// The oracle: Python's configparser, set up as Ansible sets it up (config/manager.py).
const PYTHON = `
import configparser, json, sys
out = []
for text in json.load(sys.stdin):
    p = configparser.ConfigParser(inline_comment_prefixes=(';',))
    try:
        p.read_string(text)
        doc = {s: {k: p.get(s, k, raw=True) for k in p._sections[s]} for s in p.sections()}
        if p.defaults():
            doc['DEFAULT'] = dict(p.defaults())
        out.append(doc)
    except configparser.MissingSectionHeaderError as e:
        out.append({'errorLine': e.lineno})
    except configparser.ParsingError as e:
        out.append({'errorLine': e.errors[0][0]})
    except configparser.Error as e:
        out.append({'errorLine': e.lineno})
print(json.dumps(out))
`;

const python = spawnSync('python3', ['-c', 'import configparser'], { encoding: 'utf8' }).status === 0;

describe.skipIf(!python)("readIni and Python's configparser", () => {
  it('agree on every case', () => {
    const r = spawnSync('python3', ['-c', PYTHON], { input: JSON.stringify(CASES.map((c) => c[1])), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(CASES.map((c) => ours(c[1]))).toEqual(JSON.parse(r.stdout));
  });
});
