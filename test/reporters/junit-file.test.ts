import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { SecretMasker } from '../../src/errors/mask-secrets.js';
import { escapeXml } from '../../src/reporters/junit-file.js';
import { runEvents } from './run-events.js';
import { failingRun, haltedRollout, secretRun, successfulRun } from './scenarios.js';

const dir = mkdtempSync(join(tmpdir(), 'tpx-junit-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function junitOf(name: string, events: Parameters<typeof runEvents>[0], masker?: SecretMasker): Promise<string> {
  const path = join(dir, name);
  await runEvents(events, { output: 'json', junit: path, ...(masker ? { masker } : {}) });
  expect(statSync(path).mode & 0o777).toBe(0o600);
  return readFileSync(path, 'utf8');
}

describe('--junit FILE.xml', () => {
  test('one testcase per host × task, classname = host, name = play: task', async () => {
    const xml = await junitOf('ok.xml', successfulRun());
    expect(
      xml.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="playbooks/upgrade.yaml" tests="6" failures="0" errors="0" skipped="0" time="5.190">',
      ),
    ).toBe(true);
    expect(xml).toContain('<testsuite name="mesh-01" tests="2" failures="0" errors="0" skipped="0" time="1.730">');
    expect(xml).toContain('<testcase classname="mesh-02" name="upgrade: install transparent proxy" time="1.520"/>');
    expect(xml).toContain('<testcase classname="mesh-03" name="upgrade: detect installed version" time="0.210">\n      <system-out>2.8.3\n</system-out>');
    expect(xml.match(/<testcase /g)).toHaveLength(6);
  });

  test('failures, unreachable errors and escaped XML', async () => {
    const xml = await junitOf('fail.xml', failingRun());
    expect(xml).toContain(
      '<failure message="non-zero return code" type="failed">non-zero return code\nline 1\nline 2\nError: existing rules &lt;without&gt; marker &amp; &quot;comment&quot;</failure>',
    );
    expect(xml).toContain(
      '<testcase classname="mesh-03" name="upgrade: connect" time="0.000">\n      <error message="timeout: connect timed out after 10s" type="unreachable">',
    );
    // The ignored failure passes.
    expect(xml).toContain(
      '<testcase classname="mesh-01" name="upgrade: check docker chains" time="0.210">\n      <system-out>failure ignored: non-zero return code</system-out>\n    </testcase>',
    );
    expect(xml).toMatch(/<testsuites [^>]*tests="6" failures="1" errors="1" skipped="0"/);
  });

  test('hosts never reached are skipped testcases', async () => {
    const xml = await junitOf('halted.xml', haltedRollout());
    expect(xml).toContain(
      '<testcase classname="mesh-05" name="upgrade: not reached" time="0.000">\n      <skipped message="never reached (batch 2 halted: max_fail_percentage 0 exceeded (1 of 2 hosts failed))"/>',
    );
    expect(xml).toMatch(/<testsuites [^>]*failures="1" errors="0" skipped="2"/);
  });

  test('secrets are masked', async () => {
    const masker = new SecretMasker();
    masker.add('hunter2-s3cret');
    const xml = await junitOf('secret.xml', secretRun('hunter2-s3cret'), masker);
    expect(xml).not.toContain('hunter2-s3cret');
    expect(xml).toContain('bad password ********');
  });

  test('escapeXml escapes markup and drops characters XML cannot hold', () => {
    expect(escapeXml(`a<b>&"c'\u0001\u001b[31m`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;[31m');
  });
});
