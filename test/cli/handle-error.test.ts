import { readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { debugLogDir } from '../../src/cli/debug-log.js';
import { handleError } from '../../src/cli/handle-error.js';
import { secretMasker } from '../../src/errors/mask-secrets.js';
import { ExitCode } from '../../src/errors/tpx-error.js';
import { useStateHome } from './state-home.js';

const home = useStateHome('tpx-handle-error-');

function handle(error: unknown): { code: number; screen: string } {
  let screen = '';
  const code = handleError(error, (s) => (screen += s), home.env);
  return { code, screen };
}

describe('handleError on an unexpected error', () => {
  it('puts the stack, secrets masked, in the private debug log and names it in one line', () => {
    const secret = 's3cret-for-handle-error';
    secretMasker.add(secret);
    const { code, screen } = handle(new Error(`boom near ${secret}`));
    expect(code).toBe(ExitCode.internal);
    const [log] = readdirSync(debugLogDir(home.env));
    const path = join(debugLogDir(home.env), log);
    expect(screen).toBe(`tpx: internal error: boom near ********\n  (details in ${path}; please report this as a bug)\n`);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('Error: boom near ********');
    expect(text).toContain('handle-error.test.ts');
    expect(text).not.toContain(secret);
  });

  it('ignores a symlink planted at the old /tmp/tpx-debug-<pid>.log', () => {
    const old = join(tmpdir(), `tpx-debug-${process.pid}.log`);
    const victim = join(home.root, 'victim');
    writeFileSync(victim, 'precious\n');
    rmSync(old, { force: true });
    symlinkSync(victim, old);
    try {
      handle(new Error('boom'));
      expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    } finally {
      rmSync(old, { force: true });
    }
  });

  it('says so, without a stack, when the log cannot be written', () => {
    // A file where the state directory should be: nothing can be created under it.
    writeFileSync(join(home.root, 'state'), '');
    const { code, screen } = handle(new Error('boom'));
    expect(code).toBe(ExitCode.internal);
    expect(screen).toMatch(/^tpx: internal error: boom\n {2}\(the details could not be saved: ENOTDIR: [^\n]*; please report this as a bug\)\n$/);
    expect(screen).not.toMatch(/\bat .*handle-error/);
  });
});
