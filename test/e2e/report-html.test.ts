/**
 * `--report-html` on a real run of the upgrade playbook on a small lab fleet, through the
 * built `tpx`: each host's plan line in the page is the one the terminal showed, the three
 * rolling batches are in the timeline, and headless Chromium (no network) draws it as laid out.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { artifactDir } from '../helpers/artifacts.js';
import { chromiumMissing, runHeadlessChromium } from '../helpers/chromium.js';
import { labSupported, useLab } from '../helpers/lab.js';
import { decodePng } from '../helpers/png.js';
import { checkDrawn, layoutFromPage } from '../reporters/html/drawn-timeline.js';
import { planLine, runUpgrade, TARGET } from './upgrade-helpers.js';

const lab = useLab({ hosts: 3, versions: ['2.8.3', 'none', TARGET], packages: [TARGET] });

const unescapeHtml = (text: string): string =>
  text.replace(/&(lt|gt|quot|#39|amp);/g, (_m, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e] ?? e);

describe.skipIf(!labSupported())('--report-html on the lab', () => {
  it('a real upgrade: the plan lines, the three batches, drawn by a browser', async () => {
    const page = join(lab.dir, 'report.html');
    const run = await runUpgrade(lab.state, ['--report-html', page]);
    expect(run.code, run.stderr).toBe(0);
    const html = readFileSync(page, 'utf8');
    const plans = [...html.matchAll(/<td class="host">([^<]+)<\/td><td>.*?<\/td><td class="plan-line">([^<]*)<\/td>/g)].map((m) => [m[1], unescapeHtml(m[2])]);
    expect(plans).toEqual(lab.state.hosts.map((h) => [h.name, planLine(run.stdout, h.name)]));
    expect(html.match(/<g class="group">/g)).toHaveLength(3);
    expect(html).toContain('data-status="changed"');

    const missing = chromiumMissing();
    if (missing && process.env.CI === 'true') throw new Error(`headless Chromium is needed under CI and cannot run: ${missing}`);
    if (missing) {
      process.stdout.write(`--report-html on the lab: the browser part did not run: ${missing}\n`);
      return;
    }
    const screenshot = join(artifactDir('tpx-html-report-lab-'), 'report.png');
    const shot = await runHeadlessChromium(['--window-size=1400,1600', `--screenshot=${screenshot}`, `file://${page}`]);
    expect(shot.code, shot.stderr).toBe(0);
    process.stdout.write(`screenshot of the lab run's HTML report: ${screenshot}\n`);
    checkDrawn(decodePng(readFileSync(screenshot)), layoutFromPage(html));
  }, 240_000);
});
