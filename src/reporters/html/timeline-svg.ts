import { html, type SafeHtml } from './safe-html.js';
import { GRID_COLOR, GROUP_BACKGROUND, PLOT_BACKGROUND, TIMELINE_SIZES, type TimelineLayout } from './timeline-layout.js';

/**
 * The timeline as inline SVG, no script: one row per host and batch, each task a bar coloured
 * by its status (its tooltip gives the details), a line where the rollout halted or was
 * interrupted. Rows and bars are on whole pixels with crisp edges.
 */
export function renderTimelineSvg(layout: TimelineLayout): SafeHtml {
  const S = TIMELINE_SIZES;
  const { width, height, plotX, plotWidth, bodyY } = layout;
  const right = plotX + plotWidth;
  const gridX = layout.ticks.map((t) => t.x).filter((x) => x > plotX);
  return html`<svg class="timeline" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" shape-rendering="crispEdges" role="img" aria-label="timeline of the run">
${layout.ticks.map((t) => html`<text class="tick" x="${t.x}" y="${bodyY - 6}" text-anchor="${t.x === plotX ? 'start' : 'middle'}">${t.label}</text>\n`)}
${layout.groups.map(
  (g) =>
    html`<g class="group"><rect x="0" y="${g.y + 2}" width="${right}" height="${S.groupHeight - 4}" fill="${GROUP_BACKGROUND}"/><text x="6" y="${g.y + S.groupHeight / 2 + 4}">${g.title}</text></g>\n`,
)}
${layout.rows.map(
  (r) =>
    html`<g class="row" data-host="${r.host}"><text class="host" x="${plotX - 8}" y="${r.y + 14}" text-anchor="end">${r.host}<title>${r.host}</title></text><rect class="plot" x="${plotX}" y="${r.y}" width="${plotWidth}" height="${S.rowHeight}" fill="${PLOT_BACKGROUND}"/>${
      r.note === null ? '' : html`<text class="note" x="${plotX + 6}" y="${r.y + 14}">${r.note}</text>`
    }<text class="right" x="${right + 8}" y="${r.y + 14}">${r.right}</text></g>\n`,
)}
${gridX.map((x) => html`<line x1="${x}" x2="${x}" y1="${bodyY}" y2="${height}" stroke="${GRID_COLOR}" stroke-width="1"/>`)}
${layout.bars.map(
  (b) =>
    html`<g class="bar" data-status="${b.status}"><rect x="${b.x}" y="${b.y}" width="${b.width}" height="${b.height}" fill="${b.color}"><title>${b.title}</title></rect>${
      b.label === null ? '' : html`<text class="bar-label" x="${b.x + 3}" y="${b.y + b.height - 3}">${b.label}<title>${b.title}</title></text>`
    }</g>\n`,
)}
${layout.rows.filter((r) => r.stopX !== null).map((r) => html`<rect class="stop" x="${r.stopX}" y="${r.y + 1}" width="2" height="${S.rowHeight - 2}" fill="#1f2328"><title>${r.host}: stopped early</title></rect>`)}
${layout.marks.map(
  (m) =>
    html`<g class="mark"><line x1="${m.x + 0.5}" x2="${m.x + 0.5}" y1="${m.labelY - 8}" y2="${height}" stroke="${m.color}" stroke-width="2" stroke-dasharray="6 3"/><text x="${m.x > plotX + plotWidth / 2 ? m.x - 6 : m.x + 6}" y="${m.labelY}" fill="${m.color}" text-anchor="${m.x > plotX + plotWidth / 2 ? 'end' : 'start'}">${m.label}<title>${m.label}</title></text></g>\n`,
)}
</svg>`;
}
