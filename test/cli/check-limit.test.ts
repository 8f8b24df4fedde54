/**
 * `-l` that matches no host: an error (exit 1) before anything connects, as ansible-playbook
 * does, never a silent run of 0 hosts that exits 0.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLimit } from '../../src/cli/check-limit.js';
import { parseInventory } from '../engine/run-harness.js';
import { ensureBuilt, runTpx } from './run-built-tpx.js';

const inventory = parseInventory(
  'all:\n  children:\n    web:\n      hosts:\n        web-1: { host: 127.0.0.1, port: 9 }\n        web-2: { host: 127.0.0.1, port: 9 }\n',
);
let dir = '';
beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tpx-limit-'));
  writeFileSync(join(dir, 'inv.yaml'), 'all:\n  hosts:\n    web-1: { host: 127.0.0.1, port: 9 }\n');
  writeFileSync(join(dir, 'pb.yaml'), '- hosts: all\n  tasks:\n    - command: "true"\n');
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('-l that matches nothing', () => {
  it.each(['mesh-99', 'db', 'web-*:&db', 'web:!web-*'])('%s: an error naming the hosts there are', (limit) => {
    expect(() => checkLimit(inventory, limit)).toThrow(`-l ${limit}: matches no host of the inventory (2 hosts: web-1, web-2); nothing was run.`);
  });

  it.each([undefined, '', 'web', 'web-1', 'web-*', 'all'])('%j: fine', (limit) => {
    expect(() => checkLimit(inventory, limit)).not.toThrow();
  });

  it('tpx run exits 1 with that one line, before connecting (no journal, no run)', () => {
    const r = runTpx(['run', join(dir, 'pb.yaml'), '-i', join(dir, 'inv.yaml'), '-l', 'mesh-99', '--output', 'plain'], {
      env: { XDG_STATE_HOME: join(dir, 'state') },
    });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^tpx: -l mesh-99: matches no host of the inventory \(1 host: web-1\); nothing was run\. Check the name or pattern/);
    expect(r.stdout).toBe('');
  });
});
