/**
 * tproxy.sh's awk filters (kuma-lines, rest-lines, foreign-lines), run with dash on every
 * Kuma data file of test/fixtures/kuma-rules with Docker-like nat rules and filter rules mixed
 * in; and its option checks.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../..');
const SCRIPT = join(REPO, 'playbooks/files/tproxy.sh');
const DATA = join(REPO, 'test/fixtures/kuma-rules');
const work = mkdtempSync(join(tmpdir(), 'tpx-tproxy-filters-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function tproxy(args: readonly string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('dash', [SCRIPT, ...args], { encoding: 'utf8', timeout: 10_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function filter(mode: 'kuma-lines' | 'rest-lines' | 'foreign-lines', text: string): string[] {
  const file = join(work, `in-${Math.random().toString(36).slice(2)}.rules`);
  writeFileSync(file, text);
  const r = tproxy([mode, file]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.split('\n').filter((l) => l !== '');
}

/** Rules that are not Kuma's, mixed into a data file: Docker's nat chain (its OUTPUT rule amid Kuma's), a filter table, and look-alikes. */
const DOCKER_CHAIN = ':DOCKER - [0:0]';
const DOCKER_RULES = [
  '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
  '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE',
  '-A DOCKER -i docker0 -j RETURN',
];
const DOCKER_OUTPUT = '-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER';
// Not Kuma's although it mentions port 53: TCP, and no REDIRECT / uid RETURN.
const DNS_LOOKALIKE = '-A OUTPUT -p tcp -m tcp --dport 53 -j ACCEPT';
const FILTER = [
  '*filter',
  ':INPUT DROP [0:0]',
  ':FORWARD ACCEPT [0:0]',
  ':OUTPUT ACCEPT [0:0]',
  ':FW - [0:0]',
  '-A INPUT -p tcp -m tcp --dport 9100 -j ACCEPT',
  '-A INPUT -j FW',
  '-A FW -j RETURN',
  'COMMIT',
];

interface Mixed {
  readonly text: string;
  readonly kuma: string[];
  readonly foreign: string[];
}

/** The data file with the foreign rules mixed in, and what each filter should find. */
function mix(data: string): Mixed {
  const out: string[] = [];
  const kuma: string[] = [];
  const foreign: string[] = [];
  let table = '';
  let sawOutput = false;
  const lines = data.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('*')) table = line.replace(/^\* */, '').trim();
    const bare = line.replace(/ \[\d+:\d+\]$/, '');
    if (/^:(PREROUTING|INPUT|FORWARD|OUTPUT|POSTROUTING) /.test(line) || line.startsWith('*') || line.startsWith('#') || line === 'COMMIT' || line === '') {
      // Built-in chains and structure: not Kuma's, not foreign either (default policies).
    } else {
      kuma.push(`${table}: ${bare}`);
    }
    if (table === 'nat' && line === 'COMMIT') {
      // Save format declares chains up front; restore format (-N) takes them anywhere.
      out.push(DOCKER_CHAIN, ...DOCKER_RULES, DNS_LOOKALIKE);
      if (!sawOutput) out.push(DOCKER_OUTPUT);
    }
    out.push(line);
    if (table === 'nat' && !sawOutput && /^-[AI] OUTPUT /.test(line)) {
      out.push(DOCKER_OUTPUT);
      sawOutput = true;
    }
  }
  out.push(...FILTER, '');
  foreign.push(`nat: ${DOCKER_OUTPUT}`, `nat: ${DOCKER_CHAIN.replace(/ \[0:0\]$/, '')}`, ...DOCKER_RULES.map((r) => `nat: ${r}`), `nat: ${DNS_LOOKALIKE}`);
  foreign.push(
    'filter: :INPUT DROP',
    'filter: :FW -',
    'filter: -A INPUT -p tcp -m tcp --dport 9100 -j ACCEPT',
    'filter: -A INPUT -j FW',
    'filter: -A FW -j RETURN',
  );
  return { text: out.join('\n'), kuma, foreign };
}

const files = readdirSync(DATA).filter((f) => f.endsWith('.rules') || f.endsWith('.restore'));

describe('tproxy.sh filters on the Kuma data files', () => {
  it('has data files to test', () => {
    expect(files.length).toBeGreaterThanOrEqual(25);
  });

  describe.each(files)('%s with Docker and filter rules mixed in', (file) => {
    const mixed = mix(readFileSync(join(DATA, file), 'utf8'));

    it("kuma-lines finds exactly Kuma's chains and rules, in order", () => {
      expect(mixed.kuma.length).toBeGreaterThan(8);
      expect(filter('kuma-lines', mixed.text)).toEqual(mixed.kuma);
    });

    it('rest-lines keeps every other line byte for byte, in order', () => {
      const kumaBare = new Set(mixed.kuma.map((l) => l.slice(l.indexOf(': ') + 2)));
      const expected = mixed.text
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('#'))
        .map((l) => l.replace(/ \[\d+:\d+\]$/, ''))
        .filter((l) => !kumaBare.has(l));
      expect(filter('rest-lines', mixed.text)).toEqual(expected);
    });

    it("foreign-lines lists the rules and chains that are not Kuma's", () => {
      expect([...filter('foreign-lines', mixed.text)].sort()).toEqual([...mixed.foreign].sort());
    });
  });
});

describe('tproxy.sh filters without Kuma chains', () => {
  it("leaves DNS redirects and conntrack zones alone when the family has no Kuma chains (they are someone else's)", () => {
    const text = [
      '*raw',
      ':PREROUTING ACCEPT [0:0]',
      ':OUTPUT ACCEPT [0:0]',
      '-A OUTPUT -p udp -m udp --dport 53 -m owner --uid-owner 5678 -j CT --zone 1',
      'COMMIT',
      '*nat',
      ':PREROUTING ACCEPT [0:0]',
      ':OUTPUT ACCEPT [0:0]',
      '-A OUTPUT -d 10.0.0.2/32 -p udp -m udp --dport 53 -j REDIRECT --to-ports 5353',
      'COMMIT',
      '',
    ].join('\n');
    expect(filter('kuma-lines', text)).toEqual([]);
    expect(filter('foreign-lines', text)).toEqual([
      'raw: -A OUTPUT -p udp -m udp --dport 53 -m owner --uid-owner 5678 -j CT --zone 1',
      'nat: -A OUTPUT -d 10.0.0.2/32 -p udp -m udp --dport 53 -j REDIRECT --to-ports 5353',
    ]);
  });

  it('recognises 1.x chains (MESH_INBOUND, MESH_OUTPUT, MESH_REDIRECT) as Kuma', () => {
    const text = [
      '*nat',
      ':OUTPUT ACCEPT [0:0]',
      ':MESH_OUTPUT - [0:0]',
      ':MESH_REDIRECT - [0:0]',
      '-A OUTPUT -p tcp -j MESH_OUTPUT',
      '-A MESH_OUTPUT -j MESH_REDIRECT',
      'COMMIT',
      '',
    ].join('\n');
    expect(filter('kuma-lines', text)).toEqual([
      'nat: :MESH_OUTPUT -',
      'nat: :MESH_REDIRECT -',
      'nat: -A OUTPUT -p tcp -j MESH_OUTPUT',
      'nat: -A MESH_OUTPUT -j MESH_REDIRECT',
    ]);
  });
});

describe('tproxy.sh options', () => {
  it.each([
    [['detect', '--kumactl'], /option --kumactl needs a value/],
    [['detect', '--bogus', 'x'], /unknown option --bogus/],
    [['detect', '--flush-mode', 'some'], /--flush-mode must be kuma or all/],
    [['detect', '--timeout', '0'], /--timeout must be a positive number/],
    [['apply', '--run-id', '../etc'], /--run-id may only hold/],
    [['apply'], /apply needs --run-id/],
    [['kuma-lines'], /give one readable iptables-save file/],
    [['frobnicate'], /usage: tproxy.sh/],
  ])('%j is refused with exit 2 and a clear message', (args, message) => {
    const r = tproxy(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/parameter not set|unbound/);
  });
});

describe('tproxy.sh check-rules: what verify checks in a family the target installs', () => {
  const DEFAULT = readFileSync(join(DATA, 'v2.9-comments-default.ipv4.nft.golden.rules'), 'utf8');
  const ALL_DNS = readFileSync(join(DATA, 'v2.9-comments-multiflags-redirect-all-dns.ipv4.nft.golden.rules'), 'utf8');
  const OLD = readFileSync(join(DATA, 'v2.8-redirect-dns.ipv4.nft.rules'), 'utf8');
  const without = (text: string, re: RegExp): string =>
    text
      .split('\n')
      .filter((l) => !re.test(l))
      .join('\n');
  const check = (text: string, ...options: string[]) => {
    const file = join(work, `check-${Math.random().toString(36).slice(2)}.rules`);
    writeFileSync(file, text);
    return tproxy(['check-rules', 'ipv4', file, ...options]);
  };
  // --redirect-all-dns-traffic makes DNS expected whatever this machine's resolv.conf says.
  const dnsOn = ['--dns', 'yes', '--args', '--redirect-all-dns-traffic'];

  it.each([
    ['2.9 default rules, no DNS asked', DEFAULT, [], 'ipv4: ok'],
    ['2.9 rules with DNS redirected, DNS asked', ALL_DNS, dnsOn, 'ipv4: ok'],
    ['2.9 default rules, DNS asked', DEFAULT, dnsOn, 'ipv4: DNS redirect missing'],
    ['2.8 rules (no marker)', OLD, [], 'ipv4: rules without the kuma/mesh/transparent/proxy marker'],
    ['2.8 rules, marker not wanted', OLD, ['--marker', 'no'], 'ipv4: ok'],
    ['a chain gone', without(DEFAULT, /^:KUMA_MESH_INBOUND_REDIRECT /), [], 'ipv4: chain KUMA_MESH_INBOUND_REDIRECT is missing'],
    ['the first chain gone (reported first)', without(DEFAULT, /^:KUMA_MESH_(INBOUND|OUTBOUND) /), [], 'ipv4: chain KUMA_MESH_INBOUND is missing'],
    ['the PREROUTING hook gone', without(DEFAULT, /^-A PREROUTING .*-j KUMA_MESH_INBOUND$/), [], 'ipv4: PREROUTING hook missing'],
    [
      'the PREROUTING hook gone, inbound not redirected',
      without(DEFAULT, /^-A PREROUTING .*-j KUMA_MESH_INBOUND$/),
      ['--args', '--redirect-inbound=false'],
      'ipv4: ok',
    ],
    ['the OUTPUT hook gone', without(DEFAULT, /^-A OUTPUT .*-j KUMA_MESH_OUTBOUND$/), [], 'ipv4: OUTPUT hook missing'],
  ])('%s: %j', (_name, text, options, expected) => {
    const r = check(text, ...(options as string[]));
    expect(r.stdout.trim()).toBe(expected);
    expect(r.code).toBe(expected.endsWith(': ok') ? 0 : 1);
  });

  it('needs a family and a readable file', () => {
    expect(tproxy(['check-rules', 'ipv5', '/dev/null'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/needs a family/) });
    expect(tproxy(['check-rules', 'ipv4', join(work, 'nope')])).toMatchObject({ code: 2, stderr: expect.stringMatching(/readable iptables-save file/) });
  });
});

describe('tproxy.sh JSON strings', () => {
  it.each([
    ['plain text 2.10.1: a/b, c=d @e%f+g', '"plain text 2.10.1: a/b, c=d @e%f+g"'],
    ['', '""'],
    ['say "hi"', '"say \\"hi\\""'],
    ['back\\slash', '"back\\\\slash"'],
    ['two\nlines', '"two\\nlines"'],
    ['tab\there', '"tab here"'],
    ['bell\u0007', '"bell"'],
    ['%s %d', '"%s %d"'],
    ["it's [a] <b> {c} (d) $e `f` ~g^h|i&j*k?l!m#n;o", '"it\'s [a] <b> {c} (d) $e `f` ~g^h|i&j*k?l!m#n;o"'],
    ['kuma/mesh/transparent/proxy é', '"kuma/mesh/transparent/proxy é"'],
    ['cr\rlf', '"crlf"'],
  ])('%j -> %s (valid JSON, same text)', (text, expected) => {
    const lib = join(work, 'json-str.sh');
    // The two functions, self-contained but for NL (a newline), as the script defines them.
    writeFileSync(lib, `NL='\n'\n${readFileSync(SCRIPT, 'utf8').match(/^json_set\(\) \{[\s\S]*?^json_str\(\) .*$/m)![0]}\n`);
    const r = spawnSync('dash', ['-c', `. "$1"; json_str "$2"`, 'x', lib, text], { encoding: 'utf8' });
    expect(r.stdout).toBe(expected);
    expect(typeof JSON.parse(r.stdout)).toBe('string');
  });
});
