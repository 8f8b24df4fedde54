import { formatDuration } from '../format.js';
import { STATUS_COLORS, type BarStatus } from './status-colors.js';
import type { TimelineBar, TimelineGroup, TimelineMark, TimelineModel, TimelineRow } from './timeline-model.js';

/** Sizes of the timeline drawing, in CSS pixels. */
export const TIMELINE_SIZES = {
  labelWidth: 200,
  plotWidth: 840,
  rightWidth: 150,
  markHeight: 16,
  axisHeight: 22,
  groupHeight: 24,
  rowHeight: 20,
  /** Space above and below a bar inside its row. */
  barInset: 3,
  minBarWidth: 2,
} as const;

/** The background of a host row's plot area: drawn nowhere else (the browser test finds the rows by it). */
export const PLOT_BACKGROUND = '#eef1f6';
export const GRID_COLOR = '#d0d7e2';
export const GROUP_BACKGROUND = '#dde3ec';
export const HALT_COLOR = '#b3002d';
export const INTERRUPT_COLOR = '#1f2328';
/** Average width of a character of the bar labels (11px sans-serif), to know what fits. */
const CHAR_WIDTH = 6.5;

export interface BarBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly status: BarStatus;
  readonly color: string;
  readonly host: string;
  readonly task: string;
  /** The task's name as it fits in the bar, or null when nothing fits. */
  readonly label: string | null;
  /** The tooltip: host, task, status, duration, start. */
  readonly title: string;
}

export interface RowBox {
  readonly host: string;
  /** Top of the row; the plot area of the row is (plotX, y, plotWidth, rowHeight). */
  readonly y: number;
  readonly note: string | null;
  /** The row's own duration (first start to last end), and whether the run stopped the host early. */
  readonly right: string;
  /** Where the stop mark goes (after the host's last task), when the run stopped it early. */
  readonly stopX: number | null;
}

export interface GroupBox {
  readonly y: number;
  readonly title: string;
}

export interface MarkBox {
  readonly x: number;
  /** Where its label is written (its own band above the axis). */
  readonly labelY: number;
  readonly color: string;
  readonly label: string;
}

export interface TickBox {
  readonly x: number;
  readonly label: string;
}

/** The timeline as boxes, in pixels: what timeline-svg.ts draws and the browser test checks. */
export interface TimelineLayout {
  readonly width: number;
  readonly height: number;
  readonly plotX: number;
  readonly plotWidth: number;
  /** Top of the first group. */
  readonly bodyY: number;
  readonly ticks: readonly TickBox[];
  readonly groups: readonly GroupBox[];
  readonly rows: readonly RowBox[];
  readonly bars: readonly BarBox[];
  readonly marks: readonly MarkBox[];
}

const TICK_STEPS_MS = [
  10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000,
];

/** Lays the timeline out: groups and rows top to bottom, time left to right. */
export function layoutTimeline(model: TimelineModel): TimelineLayout {
  const S = TIMELINE_SIZES;
  const plotX = S.labelWidth;
  const span = Math.max(model.endMs, 1);
  const xOf = (ms: number): number => plotX + Math.round((Math.min(Math.max(ms, 0), span) / span) * S.plotWidth);
  const markModels = [model.halt, model.interrupt].filter((m): m is TimelineMark => m !== null);
  const bodyY = markModels.length * S.markHeight + S.axisHeight;

  const groups: GroupBox[] = [];
  const rows: RowBox[] = [];
  const bars: BarBox[] = [];
  let y = bodyY;
  for (const g of model.groups) {
    groups.push({ y, title: groupTitle(g) });
    y += S.groupHeight;
    for (const r of g.rows) {
      const rowBars: BarBox[] = [];
      for (const b of r.bars) rowBars.push(barBox(b, r.host, y, xOf, rowBars.at(-1)));
      bars.push(...keepInPlot(rowBars, plotX, plotX + S.plotWidth));
      const lastX = Math.max(plotX, ...bars.slice(bars.length - rowBars.length).map((b) => b.x + b.width));
      rows.push({ host: r.host, y, note: r.note, right: rowRight(r), stopX: r.stoppedEarly ? lastX : null });
      y += S.rowHeight;
    }
  }
  const marks = markModels.map((m, i) => ({
    x: xOf(m.atMs),
    labelY: (i + 1) * S.markHeight - 4,
    color: m === model.halt ? HALT_COLOR : INTERRUPT_COLOR,
    label: m.label,
  }));
  return { width: plotX + S.plotWidth + S.rightWidth, height: y + 4, plotX, plotWidth: S.plotWidth, bodyY, ticks: ticks(span, xOf), groups, rows, bars, marks };
}

/**
 * A row's bars moved back into the plot: short bars at the end of the run, each given its
 * minimum width after the one before, would otherwise run past the plot's right edge (outside
 * the row). From the last one back, each ends where the next starts at the latest; a bar is
 * never moved before the plot's start.
 */
function keepInPlot(row: readonly BarBox[], start: number, end: number): BarBox[] {
  const out = [...row];
  let limit = end;
  for (let i = out.length - 1; i >= 0; i--) {
    const b = out[i];
    if (b.x + b.width <= limit) break;
    const x = Math.max(start, limit - b.width);
    out[i] = { ...b, x };
    limit = x;
  }
  return out;
}

/**
 * A task's box. A task too short to see gets `minBarWidth` pixels; so that it does not hide a
 * neighbour, a bar never starts before the previous bar of its row ends. Only starts move (by
 * the few pixels the short bars took): a bar still ends at its time, when it is long enough.
 */
function barBox(b: TimelineBar, host: string, rowY: number, xOf: (ms: number) => number, previous: BarBox | undefined): BarBox {
  const S = TIMELINE_SIZES;
  const x = Math.max(xOf(b.startMs), previous ? previous.x + previous.width : 0);
  const width = Math.max(S.minBarWidth, xOf(b.startMs + b.durationMs) - x);
  const fits = Math.floor((width - 6) / CHAR_WIDTH);
  const label = fits >= 4 ? (b.task.length <= fits ? b.task : `${b.task.slice(0, fits - 1)}…`) : null;
  return {
    x,
    y: rowY + S.barInset,
    width,
    height: S.rowHeight - 2 * S.barInset,
    status: b.status,
    color: STATUS_COLORS[b.status],
    host,
    task: b.task,
    label,
    title: `${host} · ${b.task} · ${b.status} · ${formatDuration(b.durationMs)} (from +${formatDuration(b.startMs)})`,
  };
}

function rowRight(r: TimelineRow): string {
  if (r.bars.length === 0) return '';
  const first = Math.min(...r.bars.map((b) => b.startMs));
  const last = Math.max(...r.bars.map((b) => b.startMs + b.durationMs));
  return `${formatDuration(last - first)}${r.stoppedEarly ? ', stopped early' : ''}`;
}

function groupTitle(g: TimelineGroup): string {
  if (g.notReached) return `not reached: the run stopped before ${g.rows.length === 1 ? 'this host' : `these ${g.rows.length} hosts`}`;
  const batch = g.batches !== null && g.batches > 1 ? ` · batch ${g.batch} of ${g.batches}` : '';
  const starts = g.rows.flatMap((r) => r.bars.map((b) => b.startMs));
  const ends = g.rows.flatMap((r) => r.bars.map((b) => b.startMs + b.durationMs));
  const took = starts.length > 0 ? ` · ${formatDuration(Math.max(...ends) - Math.min(...starts))}` : '';
  return `${g.play || '(play)'}${batch} · ${g.rows.length} ${g.rows.length === 1 ? 'host' : 'hosts'}${took}`;
}

function ticks(span: number, xOf: (ms: number) => number): TickBox[] {
  const step = TICK_STEPS_MS.find((s) => span / s <= 8) ?? Math.ceil(span / 8 / 3_600_000) * 3_600_000;
  const out: TickBox[] = [];
  for (let ms = 0; ms <= span; ms += step) out.push({ x: xOf(ms), label: tickLabel(ms) });
  return out;
}

/** `0`, `0.5s`, `20s`, `2m`, `1m30s`, `1h`. */
export function tickLabel(ms: number): string {
  if (ms === 0) return '0';
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(2))}s`;
  const s = Math.round(ms / 1000);
  if (s % 3600 === 0) return `${s / 3600}h`;
  return s % 60 === 0 ? `${s / 60}m` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
