import { describe, expect, it } from 'vitest';
import { expandHostKey } from '../../src/inventory/expand-host-key.js';

describe('expandHostKey (Ansible host ranges and :port)', () => {
  it.each<[string, string[], number?]>([
    ['mesh-01', ['mesh-01']],
    ['mesh-01:2222', ['mesh-01'], 2222],
    ['10.0.0.1:22', ['10.0.0.1'], 22],
    ['fe80::1', ['fe80::1']],
    ['[fe80::1]:2222', ['fe80::1'], 2222],
    ['mesh-[1:3]', ['mesh-1', 'mesh-2', 'mesh-3']],
    ['mesh-[01:03]', ['mesh-01', 'mesh-02', 'mesh-03']],
    ['mesh-[08:11].dc1', ['mesh-08.dc1', 'mesh-09.dc1', 'mesh-10.dc1', 'mesh-11.dc1']],
    ['web[1:9:4]', ['web1', 'web5', 'web9']],
    ['node-[a:c]', ['node-a', 'node-b', 'node-c']],
    ['r[1:2]-h[a:b]', ['r1-ha', 'r1-hb', 'r2-ha', 'r2-hb']],
    ['mesh-[01:02]:2200', ['mesh-01', 'mesh-02'], 2200],
    ['mesh-[:2]', ['mesh-0', 'mesh-1', 'mesh-2']],
  ])('%s', (key, names, port) => {
    const result = expandHostKey(key);
    expect(result.names).toEqual(names);
    expect(result.port).toBe(port);
  });

  it.each<[string, RegExp]>([
    ['mesh-[01:9]', /same number of digits/],
    ['mesh-[1]', /must be \[begin:end\] or \[begin:end:step\]/],
    ['mesh-[1:]', /must specify an end value/],
    ['mesh-[c:a]', /begin <= end/],
    ['mesh-[1:3:0]', /step .* positive integer/],
    ['mesh-[1:x2]', /numbers or single letters/],
    ['mesh-[1:3', /no closing/],
    ['mesh-[0:9999999]', /more than 100000 hosts/],
  ])('refuses %s', (key, message) => {
    expect(() => expandHostKey(key)).toThrow(message);
  });
});
