/**
 * bin/tpx.js loads dist/ in one file (dist/bundle/tpx.mjs, from scripts/bundle.mjs) when that
 * is at least as new as tsc's dist/cli/main.js, else tsc's: a build by tsc alone must never run
 * an older bundle. Checked on a copy of bin/tpx.js beside a dist/ of two stand-in entries.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './run-built-tpx.js';

const root = mkdtempSync(join(tmpdir(), 'tpx-bin-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'bin'));
mkdirSync(join(root, 'dist', 'cli'), { recursive: true });
mkdirSync(join(root, 'dist', 'bundle'));
copyFileSync(join(REPO_ROOT, 'bin', 'tpx.js'), join(root, 'bin', 'tpx.js'));
writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
const entry = (name: string): string => `export async function main(args) { console.log('${name}', args.join(' ')); return 0; }\n`;
const bundle = join(root, 'dist', 'bundle', 'tpx.mjs');
const tsc = join(root, 'dist', 'cli', 'main.js');

function run(): string {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'tpx.js'), 'a', 'b'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe('bin/tpx.js: which build it runs', () => {
  it('the bundle when it is as new as tsc output or newer, else tsc output; tsc output alone too', () => {
    writeFileSync(tsc, entry('tsc'));
    expect(run()).toBe('tsc a b\n');
    writeFileSync(bundle, entry('bundle'));
    utimesSync(tsc, new Date(2_000_000_000_000), new Date(2_000_000_000_000));
    utimesSync(bundle, new Date(2_000_000_000_000), new Date(2_000_000_000_000));
    expect(run()).toBe('bundle a b\n');
    utimesSync(tsc, new Date(2_000_000_001_000), new Date(2_000_000_001_000));
    expect(run()).toBe('tsc a b\n');
  });

  it('npm run build made a bundle that runs tpx', () => {
    const r = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(join(REPO_ROOT, 'dist', 'bundle', 'tpx.mjs'))}); process.exitCode = await m.main(['--version']);`,
      ],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});
