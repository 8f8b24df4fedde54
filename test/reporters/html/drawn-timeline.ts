/**
 * Checks a screenshot of an HTML report against the layout its timeline was drawn from: rows
 * and batch headers where the layout puts them, each task bar in its row and in its status
 * colour, nothing in the rows of hosts never reached, the halt line after the halted batch.
 */
import { expect } from 'vitest';
import { STATUS_COLORS } from '../../../src/reporters/html/status-colors.js';
import {
  type BarBox,
  GRID_COLOR,
  GROUP_BACKGROUND,
  HALT_COLOR,
  PLOT_BACKGROUND,
  TIMELINE_SIZES,
  type TimelineLayout,
} from '../../../src/reporters/html/timeline-layout.js';
import { type Image, pixelIs } from '../../helpers/png.js';

/** Where the timeline landed on the page: the top left of the first row's plot area, found by its colour. */
function findOrigin(image: Image, layout: TimelineLayout): { dx: number; dy: number } {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = -1;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (!pixelIs(image, x, y, PLOT_BACKGROUND, 1)) continue;
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
    }
  }
  expect(maxX, 'no timeline row is drawn').toBeGreaterThan(0);
  // The plot is as wide as laid out: the time axis is not squeezed or cut.
  expect(maxX - minX + 1).toBe(layout.plotWidth);
  return { dx: minX - layout.plotX, dy: minY - layout.rows[0].y };
}

/** The share of the pixels inside a box (1px in from its edges) that are `color`. */
function share(image: Image, x: number, y: number, width: number, height: number, color: string): number {
  let hits = 0;
  let all = 0;
  for (let py = y + 1; py < y + height - 1; py++) {
    for (let px = x + (width > 4 ? 1 : 0); px < x + width - (width > 4 ? 1 : 0); px++) {
      all++;
      if (pixelIs(image, px, py, color)) hits++;
    }
  }
  return all === 0 ? 0 : hits / all;
}

/** Checks what the screenshot shows against the layout (see the top of the file). */
export function checkDrawn(image: Image, layout: TimelineLayout): void {
  const { dx, dy } = findOrigin(image, layout);
  const rowHeight = TIMELINE_SIZES.rowHeight;
  // Every row and every batch header is where the layout puts it.
  for (const row of layout.rows) expect(pixelIs(image, layout.plotX + dx, row.y + dy + 1, PLOT_BACKGROUND, 1), `row ${row.host} at y=${row.y + dy}`).toBe(true);
  for (const g of layout.groups) expect(pixelIs(image, layout.plotX + dx + 1, g.y + dy + 6, GROUP_BACKGROUND, 1), `header "${g.title}"`).toBe(true);

  const bar = (b: BarBox): string => `${b.host} ${b.task} (${b.status}) at x=${b.x + dx} y=${b.y + dy} w=${b.width}`;
  for (const b of layout.bars) {
    // Mostly its status colour (its label may cover some), and the row's background (or a grid
    // line) along the line just above it: the bar does not reach above its inset. The whole
    // line is read, not one pixel: a bar 2 px wide has no middle pixel, and the browser may
    // shade the grid line it meets.
    expect(share(image, b.x + dx, b.y + dy, b.width, b.height, b.color), bar(b)).toBeGreaterThan(0.5);
    let clear = 0;
    for (let x = b.x + dx; x < b.x + dx + b.width; x++) {
      if (pixelIs(image, x, b.y + dy - 2, PLOT_BACKGROUND, 1) || pixelIs(image, x, b.y + dy - 2, GRID_COLOR, 1)) clear++;
    }
    expect(clear / b.width, `above ${bar(b)}`).toBeGreaterThanOrEqual(0.5);
  }
  // A row with a note (not reached, unreachable before any task) has no bar at all.
  const colors = Object.values(STATUS_COLORS);
  for (const row of layout.rows.filter((r) => r.note !== null)) {
    for (const color of colors) expect(share(image, layout.plotX + dx, row.y + dy, layout.plotWidth, rowHeight, color), `${row.host}: nothing drawn`).toBe(0);
  }
  // The halt line crosses the rows, after the halted batch's last task.
  const halt = layout.marks.find((m) => m.color === HALT_COLOR);
  if (halt) {
    const height = layout.rows.at(-1)!.y + rowHeight - layout.bodyY;
    const column = [halt.x, halt.x + 1].map((x) => share(image, x + dx, layout.bodyY + dy, 1, height, HALT_COLOR));
    expect(Math.max(...column), 'the halt line').toBeGreaterThan(0.4);
  }
}

const attr = (tag: string, name: string): string => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  if (!m) throw new Error(`no ${name} in ${tag}`);
  return m[1];
};
const num = (tag: string, name: string): number => Number(attr(tag, name));

/**
 * The layout a page's timeline SVG was written with, read back from the page (for a report
 * written by the built `tpx`, whose events the test does not have): what the browser must draw.
 */
export function layoutFromPage(page: string): TimelineLayout {
  const svg = /<svg class="timeline"[\s\S]*?<\/svg>/.exec(page)?.[0];
  if (!svg) throw new Error('no timeline in the page');
  const rows = [...svg.matchAll(/<g class="row" data-host="([^"]*)">[\s\S]*?(<rect class="plot"[^>]*>)([\s\S]*?)<\/g>/g)].map((m) => ({
    host: m[1],
    y: num(m[2], 'y'),
    note: m[3].includes('class="note"') ? 'note' : null,
    right: '',
    stopX: null,
  }));
  const firstPlot = /<rect class="plot"[^>]*>/.exec(svg)![0];
  const bars = [...svg.matchAll(/<g class="bar" data-status="(\w+)">(<rect[^>]*>)/g)].map((m) => ({
    x: num(m[2], 'x'),
    y: num(m[2], 'y'),
    width: num(m[2], 'width'),
    height: num(m[2], 'height'),
    status: m[1] as BarBox['status'],
    color: attr(m[2], 'fill'),
    host: rows.find((r) => num(m[2], 'y') >= r.y && num(m[2], 'y') < r.y + TIMELINE_SIZES.rowHeight)?.host ?? '?',
    task: '',
    label: null,
    title: '',
  }));
  const groups = [...svg.matchAll(/<g class="group">(<rect[^>]*>)<text[^>]*>([^<]*)/g)].map((m) => ({ y: num(m[1], 'y') - 2, title: m[2] }));
  const marks = [...svg.matchAll(/<g class="mark">(<line[^>]*>)/g)].map((m) => ({
    x: num(m[1], 'x1') - 0.5,
    labelY: 0,
    color: attr(m[1], 'stroke'),
    label: '',
  }));
  return {
    width: num(svg, 'width'),
    height: num(svg, 'height'),
    plotX: num(firstPlot, 'x'),
    plotWidth: num(firstPlot, 'width'),
    bodyY: groups[0]?.y ?? 0,
    ticks: [],
    groups,
    rows,
    bars,
    marks,
  };
}
