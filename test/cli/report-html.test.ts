import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runTpx } from './run-built-tpx.js';
import { useStateHome } from './state-home.js';

const home = useStateHome('tpx-report-html-');

beforeAll(() => ensureBuilt(), 240_000);

/** A run on this machine (connection: local) with a plan line, in a fresh dir. */
function estate(): string {
  const dir = home.root;
  writeFileSync(join(dir, 'inventory.yaml'), 'all:\n  hosts:\n    localhost: {}\n');
  writeFileSync(
    join(dir, 'site.yaml'),
    '- hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n    - name: plan\n      debug: { msg: "localhost  1.0 → 2.0  <b>flush</b>: no" }\n    - name: work\n      command: echo hi\n',
  );
  return dir;
}

describe('tpx run --report-html', () => {
  it('writes this run’s page, privately, with the plan line and the timeline', () => {
    const dir = estate();
    writeFileSync(join(dir, 'report.html'), 'an earlier run');
    const r = runTpx(['run', 'site.yaml', '--report-html', 'report.html', '--output', 'plain'], { cwd: dir, env: home.env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const page = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(statSync(join(dir, 'report.html')).mode & 0o777).toBe(0o600);
    expect(page).toContain('<td class="plan-line">localhost  1.0 → 2.0  &lt;b&gt;flush&lt;/b&gt;: no</td>');
    expect(page.match(/<g class="bar" data-status="(\w+)"/g)).toEqual(['<g class="bar" data-status="ok"', '<g class="bar" data-status="changed"']);
  });

  it('a page that cannot be written: exit 1, a clear line, no file left', () => {
    const dir = estate();
    mkdirSync(join(dir, 'report.html'));
    const r = runTpx(['run', 'site.yaml', '--report-html', 'report.html', '--output', 'plain'], { cwd: dir, env: home.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tpx: cannot write .*report\.html: .*: it is not this run's report\n$/);
  });

  it('run --help names the option', () => {
    expect(runTpx(['run', '--help']).stdout).toMatch(/--report-html <file> +write a self-contained HTML report/);
  });
});
