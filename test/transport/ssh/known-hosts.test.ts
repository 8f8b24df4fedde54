import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findHostKeys, formatKnownHostsName, matchesKnownHostsName, parseKnownHosts } from '../../../src/transport/ssh/known-hosts.js';

function hashName(name: string, salt = Buffer.from('0123456789abcdefghij')): string {
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('formatKnownHostsName', () => {
  it.each([
    ['10.0.0.1', 22, '10.0.0.1'],
    ['10.0.0.1', 2201, '[10.0.0.1]:2201'],
    ['mesh-01', 22, 'mesh-01'],
  ])('%s:%i → %s', (host, port, expected) => expect(formatKnownHostsName(host, port)).toBe(expected));
});

describe('matchesKnownHostsName', () => {
  it.each([
    ['mesh-01', 'mesh-01', true],
    ['MESH-01', 'mesh-01', true],
    ['a,mesh-01,b', 'mesh-01', true],
    ['mesh-0?', 'mesh-01', true],
    ['*.example.com', 'db.example.com', true],
    ['*.example.com,!db.example.com', 'db.example.com', false],
    ['[127.0.0.1]:2201', '[127.0.0.1]:2201', true],
    ['[127.0.0.1]:2201', '127.0.0.1', false],
    ['127.0.0.1', '[127.0.0.1]:2201', false],
    [hashName('[127.0.0.1]:2201'), '[127.0.0.1]:2201', true],
    [hashName('[127.0.0.1]:2201'), '[127.0.0.1]:2202', false],
    [hashName('mesh-01'), 'mesh-01', true],
    ['|1|bad', 'mesh-01', false],
  ])('%s vs %s → %s', (field, name, expected) => expect(matchesKnownHostsName(field, name)).toBe(expected));
});

describe('parseKnownHosts', () => {
  const keyA = Buffer.from('key-a').toString('base64');
  const keyB = Buffer.from('key-b').toString('base64');
  const keyC = Buffer.from('key-c').toString('base64');
  const text = [
    '# a comment',
    '',
    `mesh-01,10.0.0.11 ssh-ed25519 ${keyA} ops@laptop`,
    `mesh-01 ssh-rsa ${keyB}`,
    `@cert-authority *.example.com ssh-ed25519 ${keyC}`,
    `@revoked * ssh-ed25519 ${keyC}`,
    'garbage line',
    `@unknown mesh-01 ssh-ed25519 ${keyC}`,
  ].join('\n');

  it('reads entries with line numbers and markers, skipping comments and junk', () => {
    const entries = parseKnownHosts(text);
    expect(entries.map((e) => [e.line, e.marker ?? null, e.hosts, e.keyType])).toEqual([
      [3, null, 'mesh-01,10.0.0.11', 'ssh-ed25519'],
      [4, null, 'mesh-01', 'ssh-rsa'],
      [5, 'cert-authority', '*.example.com', 'ssh-ed25519'],
      [6, 'revoked', '*', 'ssh-ed25519'],
    ]);
    expect(entries[0].key.toString()).toBe('key-a');
  });

  it('finds several keys per host, the revoked ones, and no @cert-authority line', () => {
    const found = findHostKeys(parseKnownHosts(text), 'mesh-01', 22);
    expect(found.keys.map((e) => e.line)).toEqual([3, 4]);
    expect(found.revoked.map((e) => e.line)).toEqual([6]);
    expect(findHostKeys(parseKnownHosts(text), 'mesh-01', 2222).keys).toEqual([]);
  });
});
