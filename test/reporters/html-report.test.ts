import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { EventBus } from '../../src/engine/events.js';
import { SecretMasker } from '../../src/errors/mask-secrets.js';
import { createHtmlReportReporter } from '../../src/reporters/html-report.js';
import { CONTENT_SECURITY_POLICY } from '../../src/reporters/html/page.js';
import { runEvents } from './run-events.js';
import { failingRun, haltedMidPlay, haltedRollout, interruptedRun, result, secretRun, successfulRun } from './scenarios.js';

const dir = mkdtempSync(join(tmpdir(), 'tpx-html-report-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** The page `--report-html` writes for these events (through createReporters, as `tpx run` does). */
async function pageOf(events: readonly EngineEvent[], masker?: SecretMasker): Promise<string> {
  const path = join(dir, `report-${++n}.html`);
  await runEvents(events, { output: 'json', reportHtml: path, ...(masker ? { masker } : {}) });
  expect(statSync(path).mode & 0o777).toBe(0o600);
  return readFileSync(path, 'utf8');
}

/** The elements of the page, by name: the renderer's own, never one from host text. */
const OWN_ELEMENTS = new Set(
  'html head meta title style body header h1 h2 h3 p strong br span code dl dt dd section table thead tbody tr th td div svg text g rect line article pre ul li footer'.split(
    ' ',
  ),
);
function elementNames(page: string): Set<string> {
  return new Set([...page.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => m[1].toLowerCase()));
}

const HOSTILE = '<script>alert("x")</script> & \'q\' \u001b]52;c;cm0=\u0007 \u0000\r\u009b';
const HOSTILE_SHOWN = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39; \\x1b]52;c;cm0=\\x07 \\x00\\x0d\\x9b';

function hostileRun(): EngineEvent[] {
  const host = `evil"><script>1</script>`;
  const hosts = [host, 'mesh-02'];
  return [
    { type: 'run-start', playbook: `site<b>.yaml`, hosts, check: false, time: '2026-01-01T10:00:00.000Z', runId: 'r"1' },
    { type: 'play-start', play: `play ${HOSTILE}`, hosts },
    { type: 'batch-start', play: `play ${HOSTILE}`, batch: 1, batches: 1, hosts },
    { type: 'task-start', play: `play ${HOSTILE}`, task: 'plan', host, time: '2026-01-01T10:00:01.000Z' },
    { type: 'task-end', result: result(host, 'plan', 'ok', { play: `play ${HOSTILE}`, msg: `plan ${HOSTILE}` }) },
    { type: 'task-start', play: `play ${HOSTILE}`, task: `task ${HOSTILE}`, host, time: '2026-01-01T10:00:02.000Z' },
    {
      type: 'task-end',
      result: result(host, `task ${HOSTILE}`, 'failed', {
        play: `play ${HOSTILE}`,
        rc: 1,
        msg: `msg ${HOSTILE}`,
        stdout: `out ${HOSTILE}\n`,
        stderr: `err ${HOSTILE}\n`,
      }),
    },
    { type: 'host-unreachable', host: 'mesh-02', kind: 'auth', msg: `denied ${HOSTILE}` },
    { type: 'warning', host, msg: `warn ${HOSTILE}` },
    { type: 'batch-halted', play: `play ${HOSTILE}`, batch: 1, reason: `reason ${HOSTILE}`, remaining: [] },
    {
      type: 'run-end',
      time: '2026-01-01T10:00:05.000Z',
      stats: {},
      interrupted: false,
      halted: { play: `play ${HOSTILE}`, batch: 1, reason: `reason ${HOSTILE}` },
      notReached: [],
      stoppedEarly: [],
    },
  ];
}

describe('--report-html FILE.html', () => {
  test('one self-contained page: no script, nothing fetched (CSP says so too), no URL at all', async () => {
    const page = await pageOf(successfulRun());
    expect(page.startsWith('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n')).toBe(true);
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY.replace(/'/g, '&#39;')}">`);
    expect(CONTENT_SECURITY_POLICY).toMatch(/^default-src 'none'; /);
    expect(page).not.toMatch(/<script|<link|<img|<iframe|@import|@font-face|url\(|https?:|src=|href=/i);
    expect([...elementNames(page)].filter((e) => !OWN_ELEMENTS.has(e))).toEqual([]);
    expect(page).toContain('<svg class="timeline"');
  });

  test('every host-provided string is escaped: no element, attribute or control character comes from it', async () => {
    const page = await pageOf(hostileRun());
    expect([...elementNames(page)].filter((e) => !OWN_ELEMENTS.has(e))).toEqual([]);
    // eslint-disable-next-line no-control-regex
    expect(page).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(page).not.toContain('<script');
    expect(page).toContain(`data-host="evil&quot;&gt;&lt;script&gt;1&lt;/script&gt;"`);
    expect(page).toContain('site&lt;b&gt;.yaml');
    expect(page).toContain('<code>r&quot;1</code>');
    for (const what of ['plan', 'task', 'msg', 'out', 'err', 'denied', 'warn', 'reason', 'play']) expect(page, what).toContain(`${what} ${HOSTILE_SHOWN}`);
  });

  test('secrets are masked everywhere, no_log output is hidden', async () => {
    const masker = new SecretMasker();
    masker.add('hunter2-s3cret');
    const page = await pageOf(secretRun('hunter2-s3cret'), masker);
    expect(page).not.toContain('hunter2-s3cret');
    expect(page).not.toContain('token for');
    expect(page).toContain('bad password ********');
    expect(page).toContain('denied: ********');
  });

  test('statuses: failed, unreachable, ignored and rescued tasks; the failures with their stderr', async () => {
    const page = await pageOf(failingRun());
    for (const s of ['ok', 'ignored', 'rescued', 'failed']) expect(page).toContain(`data-status="${s}"`);
    expect(page).toContain('<span class="badge st-unreachable">unreachable</span> <span class="host">mesh-03</span> · connect');
    expect(page).toContain('<pre class="out">line 1\nline 2\nError: existing rules &lt;without&gt; marker &amp; &quot;comment&quot;</pre>');
    expect(page).toContain('<strong>failed</strong>: 1 failed, 1 unreachable of 3 hosts');
  });

  test('a halted rollout: why, the hosts not reached, the halt line', async () => {
    const page = await pageOf(haltedRollout());
    expect(page).toContain('<strong>halted</strong>: halted at batch 2 of play &quot;upgrade&quot;: 1 failed, 2 not reached');
    expect(page).toContain('why: max_fail_percentage 0 exceeded (1 of 2 hosts failed)');
    expect(page.match(/<span class="badge st-not-reached">not reached<\/span>/g)).toHaveLength(2);
    expect(page).toContain('not reached: the run stopped before these 2 hosts');
    expect(page).toContain('<g class="mark">');
  });

  test('stopped early is told apart from not reached', async () => {
    const page = await pageOf(haltedMidPlay());
    expect(page).toContain(
      '<td class="host">mesh-02</td><td><span class="badge st-changed">changed</span> <span class="badge st-stopped">stopped early</span></td>',
    );
    expect(page).toContain('<td class="host">mesh-04</td><td><span class="badge st-not-reached">not reached</span></td>');
    expect(page).toContain('<rect class="stop"');
  });

  test('check mode and an interrupted run (written from the signal path, without run-end)', async () => {
    const page = await pageOf(interruptedRun());
    expect(page).toContain('<strong>interrupted</strong>: interrupted<br><span class="why">why: stopped by SIGINT; results are partial</span>');
    expect(page).toContain('check mode (<code>--check</code>)');
    expect(page).toContain('<h2>Plan: what the run would do</h2>');
    expect(page).toContain('interrupted (SIGINT)');
  });

  test('this run’s file or none: an earlier file is removed when the run starts; an unwritable path is a clear error', async () => {
    const path = join(dir, 'old.html');
    writeFileSync(path, 'an earlier run');
    const bus = new EventBus();
    const reporter = createHtmlReportReporter(path, new SecretMasker());
    reporter.attach(bus);
    expect(readdirSync(dir)).not.toContain('old.html');
    for (const e of successfulRun()) bus.emit(e);
    await reporter.end();
    expect(readFileSync(path, 'utf8')).toContain('every host ok');

    mkdirSync(join(dir, 'a-dir.html'));
    const broken = createHtmlReportReporter(join(dir, 'a-dir.html'), new SecretMasker());
    broken.attach(new EventBus());
    await expect(broken.end()).rejects.toMatchObject({ code: 'report-write', message: expect.stringContaining('cannot write') });
  });
});
