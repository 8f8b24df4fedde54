/**
 * Every shell script of the repository is code: it passes shellcheck run plainly from the
 * repository (`shellcheck FILE`; .shellcheckrc follows sourced files), warnings included
 * (what a script disables it says why, in a comment), and dash's parser, the /bin/sh the
 * hosts run. Under CI a missing shellcheck fails this test (.ci/run installs it); elsewhere it skips.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../..');
const SCRIPTS = execFileSync('git', ['ls-files', '*.sh'], { cwd: REPO, encoding: 'utf8' }).split('\n').filter(Boolean);
const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0;

describe('shell scripts', () => {
  it('are found (the host side, the bench, the demo)', () => {
    expect(SCRIPTS).toEqual(expect.arrayContaining(['host/run-lock.sh', 'playbooks/files/tproxy.sh', 'scripts/demo.sh']));
  });

  it.each(SCRIPTS)('%s parses (dash -n, or bash -n for a bash script)', (script) => {
    const path = join(REPO, script);
    const shell = /^#!.*\bbash\b/.test(readFileSync(path, 'utf8').split('\n')[0]) ? 'bash' : 'dash';
    const r = spawnSync(shell, ['-n', path], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });

  it.runIf(hasShellcheck || process.env.CI)('pass shellcheck, warnings included', () => {
    for (const script of SCRIPTS) {
      // As anyone would run it: from the repository, no -x (.shellcheckrc says to follow sources).
      const r = spawnSync('shellcheck', ['-f', 'gcc', script], { cwd: REPO, encoding: 'utf8' });
      expect(r.error, 'shellcheck could not run (apt-get install shellcheck)').toBeUndefined();
      expect(r.stdout + r.stderr, script).toBe('');
      expect(r.status, script).toBe(0);
    }
  });
});
