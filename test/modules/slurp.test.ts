import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normaliseSlurp, slurpMaxBytes, slurpModule } from '../../src/modules/slurp.js';
import { HOSTILE_NAMES, makeTempDir } from './fixtures.js';
import { makeContext, runLocally } from './local-executor.js';

describe('slurp', () => {
  it('takes src or its alias path', () => {
    expect(normaliseSlurp({ path: '/etc/x' })).toEqual({ src: '/etc/x' });
    expect(() => normaliseSlurp({})).toThrow(/src/);
  });

  it('returns the content in base64, also of binary files and hostile names, and never changes anything', async () => {
    const dir = makeTempDir();
    for (const name of HOSTILE_NAMES) {
      const data = Buffer.concat([Buffer.from(`${name}\n`), Buffer.from([0, 255, 10])]);
      writeFileSync(join(dir, name), data);
      const run = await runLocally(slurpModule, { src: join(dir, name) }, makeContext({ check: true }), dir);
      expect(run.failed, run.msg).toBe(false);
      expect(run.plan).toMatchObject({ changed: false, actions: [], returns: { source: join(dir, name), encoding: 'base64' } });
      expect(Buffer.from(run.plan.returns!.content as string, 'base64')).toEqual(data);
    }
    writeFileSync(join(dir, 'empty'), '');
    expect((await runLocally(slurpModule, { src: join(dir, 'empty') }, makeContext(), dir)).plan.returns).toMatchObject({ content: '' });
  });

  it("fails with Ansible's messages", async () => {
    const dir = makeTempDir();
    mkdirSync(join(dir, 'd'));
    const ctx = makeContext();
    expect((await runLocally(slurpModule, { src: join(dir, 'nope') }, ctx, dir)).msg).toBe(`file not found: ${join(dir, 'nope')}`);
    expect((await runLocally(slurpModule, { src: join(dir, 'd') }, ctx, dir)).msg).toBe(`source is a directory and must be a file: ${join(dir, 'd')}`);
    if (process.getuid?.() !== 0) {
      writeFileSync(join(dir, 'secret'), 'x');
      chmodSync(join(dir, 'secret'), 0);
      expect((await runLocally(slurpModule, { src: join(dir, 'secret') }, ctx, dir)).msg).toBe(`file is not readable: ${join(dir, 'secret')}`);
    }
  });

  it('refuses a file whose base64 would not fit in tpx_output_limit, without reading it', async () => {
    const dir = makeTempDir();
    const vars = { tpx_output_limit: '4k' };
    const max = slurpMaxBytes(vars);
    expect(max).toBeGreaterThan(2800);
    expect(max).toBeLessThan(3072);
    writeFileSync(join(dir, 'fits'), Buffer.alloc(max, 'a'));
    writeFileSync(join(dir, 'big'), Buffer.alloc(max + 1, 'a'));
    const fits = await runLocally(slurpModule, { src: join(dir, 'fits') }, makeContext({ vars }), dir);
    expect(fits.failed, fits.msg).toBe(false);
    const big = await runLocally(slurpModule, { src: join(dir, 'big') }, makeContext({ vars }), dir);
    expect(big.failed).toBe(true);
    expect(big.msg).toMatch(new RegExp(`is ${max + 1} bytes; slurp returns files of up to .*raise it for this task`));
    expect(big.facts.file.stdout.length).toBeLessThan(100);
  });
});
