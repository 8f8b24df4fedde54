import { renderFailures } from './failures-section.js';
import { renderHeader } from './header-section.js';
import { renderPlanTable } from './plan-table.js';
import type { HtmlReportModel } from './report-model.js';
import { html, SafeHtml } from './safe-html.js';
import { STATUS_COLORS, STATUS_LABELS, type BarStatus } from './status-colors.js';
import { HALT_COLOR, layoutTimeline } from './timeline-layout.js';
import { renderTimelineSvg } from './timeline-svg.js';

/**
 * Nothing is fetched, nothing runs: no script, no external style, font, image or frame, even
 * if something slipped through the escaping. Styles are inline.
 */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const STATUSES = Object.keys(STATUS_COLORS) as BarStatus[];

const CSS = `
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1f2328; background: #ffffff; margin: 24px; }
h1 { font-size: 20px; margin: 0 0 8px; } h2 { font-size: 17px; margin: 28px 0 8px; } h3 { font-size: 14px; margin: 0 0 4px; }
code, pre, .playbook, td.host, td.plan-line, .host { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
pre { white-space: pre-wrap; word-break: break-all; background: #f6f8fa; border: 1px solid #d8dee4; border-radius: 4px; padding: 6px 8px; margin: 4px 0; font-size: 12px; }
.outcome { font-size: 16px; padding: 8px 12px; border-radius: 6px; border-left: 6px solid; margin: 8px 0; }
.outcome-ok { border-color: ${STATUS_COLORS.ok}; background: #eaf6ec; }
.outcome-failed, .outcome-halted, .outcome-interrupted { border-color: ${STATUS_COLORS.failed}; background: #fbeaea; }
.outcome-unreachable { border-color: ${STATUS_COLORS.unreachable}; background: #f3eafb; }
.why { font-size: 14px; }
.check { padding: 6px 12px; background: #fff6d6; border-radius: 6px; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; margin: 8px 0; }
dl.facts dt { color: #59636e; } dl.facts dd { margin: 0; }
.badge { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 12px; color: #ffffff; background: #59636e; white-space: nowrap; }
${STATUSES.map((s) => `.st-${s} { background: ${STATUS_COLORS[s]}; }`).join('\n')}
.st-not-reached { background: #ffffff; color: #59636e; border: 1px dashed #59636e; }
.st-stopped { background: #1f2328; }
table.plan { border-collapse: collapse; font-size: 13px; }
table.plan th, table.plan td { border-bottom: 1px solid #d8dee4; padding: 3px 10px; text-align: left; vertical-align: top; }
table.plan th.n, table.plan td.n { text-align: right; }
table.plan td.n { color: #8c959f; } table.plan td.c-failed, table.plan td.c-unreachable { color: ${STATUS_COLORS.failed}; font-weight: 600; }
table.plan td.c-changed { color: #9a6700; font-weight: 600; } table.plan td.c-ok { color: #1f2328; }
td.plan-line { white-space: pre-wrap; }
td.host { white-space: nowrap; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; margin: 4px 0 8px; }
.legend .sw { display: inline-block; width: 12px; height: 12px; vertical-align: -2px; margin-right: 4px; }
${STATUSES.map((s) => `.sw-${s} { background: ${STATUS_COLORS[s]}; }`).join('\n')}
.sw-halt { border-left: 2px dashed ${HALT_COLOR}; width: 0 !important; }
.timeline-box { overflow-x: auto; }
svg.timeline { font-size: 11px; font-family: system-ui, "DejaVu Sans", sans-serif; }
svg.timeline text { fill: #1f2328; } svg.timeline text.note { fill: #59636e; font-style: italic; }
svg.timeline text.tick { fill: #59636e; } svg.timeline text.bar-label { fill: #ffffff; }
svg.timeline g.mark text { font-weight: 600; }
article.failure { border-left: 4px solid ${STATUS_COLORS.failed}; padding: 4px 0 4px 12px; margin: 12px 0; }
article.st-border-unreachable { border-color: ${STATUS_COLORS.unreachable}; }
.where, .stream { color: #59636e; margin: 0; font-size: 12px; }
`;

/** The whole report: one self-contained HTML document. */
export function renderHtmlPage(model: HtmlReportModel): string {
  const layout = layoutTimeline(model.timeline);
  const title = `tpx ${model.outcome.kind}: ${model.playbook}${model.runId ? ` (${model.runId})` : ''}`;
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${new SafeHtml(CSS)}</style>
</head>
<body>
${renderHeader(model)}
${renderPlanTable(model)}
<section id="timeline">
<h2>Timeline</h2>
<div class="legend">${STATUSES.map((s) => html`<span><span class="sw sw-${s}"></span>${STATUS_LABELS[s]}</span>`)}${
    model.timeline.halt ? html`<span><span class="sw sw-halt"></span>halted here</span>` : ''
  }</div>
<div class="timeline-box">${renderTimelineSvg(layout)}</div>
</section>
${renderFailures(model)}
<footer><p class="where">written by tpx at the end of the run; hover a bar for its task, status and duration.</p></footer>
</body>
</html>
`;
  return page.text;
}
