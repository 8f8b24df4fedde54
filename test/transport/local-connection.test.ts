import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalConnection } from '../../src/transport/local/local-connection.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tpx-local-conn-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('LocalConnection (the controller as a host)', () => {
  const conn = new LocalConnection('localhost');

  it('runs a command line in sh, with stdin, and reports rc and output', async () => {
    const res = await conn.exec('read x; echo "got $x"; echo err >&2; exit 3', { stdin: 'hello\n' });
    expect(res).toMatchObject({ rc: 3, stdout: 'got hello\n', stderr: 'err\n', timedOut: false });
  });

  it('stops the whole process group at the timeout', async () => {
    const res = await conn.exec(`sleep 30 & sleep 30; echo never`, { timeoutMs: 200 });
    expect(res.timedOut).toBe(true);
    expect(res.stdout).toBe('');
  });

  it('keeps output bounded', async () => {
    const res = await conn.exec('head -c 200000 /dev/zero | tr "\\0" a', { outputLimit: 1000 });
    expect(res.stdout.length).toBeLessThanOrEqual(1000);
    expect(res.stdoutDropped).toBeGreaterThan(190_000);
  });

  it('writes a file whole, with its mode, and reads it back', async () => {
    const path = join(dir, "a file with 'quotes'");
    await conn.put('content\n', path, { mode: 0o640 });
    expect(readFileSync(path, 'utf8')).toBe('content\n');
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect((await conn.get(path))?.toString()).toBe('content\n');
    expect(await conn.get(join(dir, 'missing'))).toBeNull();
    await expect(conn.put('x', join(dir, 'no', 'such', 'dir'))).rejects.toThrow(/could not write/);
  });
});

describe('LocalConnection environment', () => {
  it('exports the environment, quoted, in the shell that runs the command', async () => {
    const res = await new LocalConnection('localhost').exec('printf "%s|%s" "$A" "$B"', { environment: { A: "it's $(id)", B: '`x`' } });
    expect(res.stdout).toBe("it's $(id)|`x`");
  });
});
