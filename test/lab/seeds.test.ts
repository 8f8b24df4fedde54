import { describe, expect, it } from 'vitest';
import { parseSeeds, seedGroup } from '../../src/lab/seeds.js';
import { parseDuration, parseFlags, MARKED_INSTALL_FLAGS, LEGACY_INSTALL_FLAGS } from '../../src/lab/kumactl/flags.js';
import { parseNameservers } from '../../src/lab/kumactl/rules.js';
import { hostAddresses } from '../../src/lab/network.js';

describe('lab seeds', () => {
  it.each([
    ['2.8.3', { spec: '2.8.3', version: '2.8.3', commentsDisabled: false }, 'kuma_2_8'],
    ['2.9.2-nocomments', { spec: '2.9.2-nocomments', version: '2.9.2', commentsDisabled: true }, 'kuma_2_9'],
    ['none', { spec: 'none', version: null, commentsDisabled: false }, 'kuma_none'],
    ['2.10.1', { spec: '2.10.1', version: '2.10.1', commentsDisabled: false }, 'kuma_2_10'],
  ])('%s', (text, seed, group) => {
    expect(parseSeeds([text])).toEqual([seed]);
    expect(seedGroup(parseSeeds([text])[0])).toBe(group);
  });

  it.each([
    ['2.8', /not a version like/],
    ['v2.9.2', /not a version like/],
    ['2.8.3-nocomments', /only be disabled from 2\.9 on/],
  ])('rejects %s', (text, message) => {
    expect(() => parseSeeds([text])).toThrow(message);
  });

  it('gives every host distinct addresses, also past 250 hosts', () => {
    const all = Array.from({ length: 600 }, (_, i) => hostAddresses(i + 1));
    expect(new Set(all.map((a) => a.ipv4)).size).toBe(600);
    expect(new Set(all.map((a) => a.ipv6)).size).toBe(600);
    expect(all.every((a) => a.ipv4 !== '10.123.0.1')).toBe(true);
  });
});

describe('kumactl stand-in flags', () => {
  it('parses pflag forms and rejects unknown flags per version', () => {
    const { values, positional } = parseFlags(
      ['--kuma-dp-user', 'kuma-dp', '--redirect-dns', '--redirect-inbound=false', '--vnet', 'a', '--vnet=b', 'x'],
      MARKED_INSTALL_FLAGS,
    );
    expect(Object.fromEntries(values)).toEqual({ 'kuma-dp-user': 'kuma-dp', 'redirect-dns': true, 'redirect-inbound': false, vnet: ['a', 'b'] });
    expect(positional).toEqual(['x']);
    expect(() => parseFlags(['--disable-comments'], LEGACY_INSTALL_FLAGS)).toThrow('unknown flag: --disable-comments');
    expect(() => parseFlags(['--kuma-dp-user'], LEGACY_INSTALL_FLAGS)).toThrow('flag needs an argument: --kuma-dp-user');
  });

  it('reads Go durations', () => {
    expect(parseDuration('2s')).toBe(2000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('0')).toBe(0);
    expect(() => parseDuration('2 seconds')).toThrow('invalid duration');
  });

  it('splits resolv.conf nameservers by family', () => {
    expect(parseNameservers('# x\nnameserver 10.0.0.1\nnameserver fd00::53\noptions ndots:1\nnameserver 127.0.0.53\n')).toEqual({
      ipv4: ['10.0.0.1', '127.0.0.53'],
      ipv6: ['fd00::53'],
    });
  });
});
