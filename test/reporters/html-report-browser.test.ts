/**
 * The HTML report of a real run (the engine on the local fleet), rendered by headless Chromium
 * without network: the screenshot is decoded and the timeline is checked where it is drawn —
 * each task bar in its host's row, at its time, in its status colour; the halt line; empty rows
 * for hosts never reached. The DOM after parsing holds no element from host text.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { EventBus } from '../../src/engine/events.js';
import { SecretMasker } from '../../src/errors/mask-secrets.js';
import { createHtmlReportReporter } from '../../src/reporters/html-report.js';
import { buildHtmlModel } from '../../src/reporters/html/report-model.js';
import type { BarStatus } from '../../src/reporters/html/status-colors.js';
import { HALT_COLOR, layoutTimeline, type TimelineLayout } from '../../src/reporters/html/timeline-layout.js';
import { RunRecord } from '../../src/reporters/run-record.js';
import { fleetInventory, runYaml } from '../engine/run-harness.js';
import { artifactDir } from '../helpers/artifacts.js';
import { chromiumMissing, runHeadlessChromium } from '../helpers/chromium.js';
import { createLocalFleet } from '../helpers/local-connection.js';
import { decodePng } from '../helpers/png.js';
import { checkDrawn, layoutFromPage } from './html/drawn-timeline.js';

const SECRET = 'tok-7f3a9-secret';

// serial [2, 2, 2] with max_fail_percentage 0: batch 1 has h02 unreachable (not counted by the
// budget), batch 2 has h03 failing its install (the rollout halts; h04 stops early), batch 3 never starts.
const PLAYBOOK = `
- name: roll out
  hosts: web
  serial: [2, 2, 2]
  max_fail_percentage: 0
  gather_facts: false
  tasks:
    - name: plan
      debug:
        msg: "{{ inventory_hostname }}  1.0 → 2.0  flush: yes (<script>alert(1)</script> & \\"q\\")"
    - name: prepare
      shell: sleep 0.3
      changed_when: false
    - name: optional step
      shell: echo never
      when: inventory_hostname == 'nobody'
    - name: probe
      shell: sleep 0.1; exit 1
      ignore_errors: true
    - name: install
      shell: "sleep 0.4; if [ {{ inventory_hostname }} = h03 ]; then printf 'boom <img src=x onerror=alert(1)> ${SECRET}\\\\n' >&2; exit 3; fi; echo installed"
    - name: verify
      shell: sleep 0.2
      changed_when: false
`;

const missing = chromiumMissing();
const artifacts = artifactDir('tpx-html-report-browser-');

describe('--report-html in a real browser', () => {
  test('the timeline of a real run is drawn: bars in their rows, at their times, in their status colours; the halt line', async (context) => {
    if (missing) {
      if (process.env.CI === 'true') throw new Error(`headless Chromium is needed under CI and cannot run: ${missing}`);
      context.skip(missing);
    }
    const masker = new SecretMasker();
    masker.add(SECRET);
    const bus = new EventBus();
    const path = join(artifacts, 'report.html');
    const reporter = createHtmlReportReporter(path, masker);
    reporter.attach(bus);
    const record = new RunRecord();
    bus.subscribe((e) => record.record(e));
    const fleet = createLocalFleet();
    fleet.unreachable.add('h02');
    const run = await runYaml(PLAYBOOK, fleetInventory(6), { bus, masker, fleet, forks: 10 }).finally(() => fleet.cleanup());
    await reporter.end();
    expect(run.outcome.halted).toMatchObject({ batch: 2 });
    expect(statSync(path).mode & 0o777).toBe(0o600);

    const layout = layoutTimeline(buildHtmlModel(record, masker).timeline);
    const statuses = new Set(layout.bars.map((b) => b.status));
    expect([...statuses].sort()).toEqual(['changed', 'failed', 'ignored', 'ok', 'skipped', 'unreachable']);

    const screenshot = join(artifacts, 'screenshot.png');
    const shot = await runHeadlessChromium(['--window-size=1400,2400', `--screenshot=${screenshot}`, `file://${path}`]);
    expect(shot.code, shot.stderr).toBe(0);
    process.stdout.write(`screenshot of the HTML report: ${screenshot} (the page: ${path})\n`);
    checkDrawn(decodePng(readFileSync(screenshot)), layout);
    // What the page's SVG says is that layout (the lab test reads it back from a page).
    const written = layoutFromPage(readFileSync(path, 'utf8'));
    const boxes = (l: TimelineLayout) => l.bars.map((b) => [b.host, b.x, b.y, b.width, b.height, b.color]);
    expect(boxes(written)).toEqual(boxes(layout));
    expect(written.rows.map((r) => [r.host, r.y])).toEqual(layout.rows.map((r) => [r.host, r.y]));
    // The hosts never reached have a row, empty; the halt line is after the failed task.
    expect(layout.rows.filter((r) => r.note !== null).map((r) => [r.host, r.note])).toEqual([
      ['h05', 'not reached'],
      ['h06', 'not reached'],
    ]);
    const halt = layout.marks.find((m) => m.color === HALT_COLOR);
    const failed = layout.bars.find((b) => b.status === 'failed')!;
    expect(halt!.x).toBeGreaterThanOrEqual(failed.x + failed.width - 1);

    const dom = await runHeadlessChromium(['--dump-dom', `file://${path}`]);
    expect(dom.code, dom.stderr).toBe(0);
    checkDom(dom.stdout, layout);
  }, 120_000);
});

function checkDom(dom: string, layout: TimelineLayout): void {
  // Host text stays text: no element came out of it, and the secret is masked.
  expect(dom).not.toMatch(/<script|<img|<[^>]*\sonerror=/i);
  expect(dom).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; "q"');
  expect(dom).toContain('boom &lt;img src=x onerror=alert(1)&gt; ********');
  expect(dom).not.toContain(SECRET);
  expect(dom.match(/<g class="bar"/g)?.length).toBe(layout.bars.length);
  const statuses: BarStatus[] = ['ok', 'changed', 'failed', 'ignored', 'skipped', 'unreachable'];
  for (const s of statuses) expect(dom).toContain(`data-status="${s}"`);
  for (const h of ['h01', 'h02', 'h03', 'h04', 'h05', 'h06']) expect(dom).toContain(`data-host="${h}"`);
  expect(dom).toContain('h01  1.0 → 2.0  flush: yes');
}
