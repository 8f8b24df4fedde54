import { formatDuration } from '../format.js';
import type { ReportHostStatus } from '../run-record.js';
import type { HtmlReportModel } from './report-model.js';
import { html, type SafeHtml } from './safe-html.js';

/** The order host statuses are counted in, and how a status is written. */
export const HOST_STATUS_ORDER: readonly ReportHostStatus[] = ['ok', 'changed', 'failed', 'unreachable', 'skipped', 'not-reached'];

export function hostStatusText(status: ReportHostStatus): string {
  return status === 'not-reached' ? 'not reached' : status;
}

/** The top of the page: the playbook, the run, its times, check mode and how it ended (and why). */
export function renderHeader(model: HtmlReportModel): SafeHtml {
  const counts = HOST_STATUS_ORDER.map((s) => [s, model.hosts.filter((h) => h.status === s).length] as const).filter(([, n]) => n > 0);
  const stopped = model.hosts.filter((h) => h.stoppedEarly).length;
  return html`<header>
<h1>tpx run <span class="playbook">${model.playbook}</span></h1>
<p class="outcome outcome-${model.outcome.kind}"><strong>${model.outcome.kind === 'ok' ? 'finished' : model.outcome.kind}</strong>: ${model.outcome.title}${
    model.outcome.why === null ? '' : html`<br><span class="why">why: ${model.outcome.why}</span>`
  }</p>
${model.check ? html`<p class="check">check mode (<code>--check</code>): nothing was changed on the hosts; “changed” means “would change”.</p>` : ''}
<dl class="facts">
<dt>run id</dt><dd><code>${model.runId ?? '—'}</code></dd>
<dt>started</dt><dd>${model.started ?? '—'}</dd>
<dt>finished</dt><dd>${model.finished}</dd>
<dt>duration</dt><dd>${model.durationMs === null ? '—' : formatDuration(model.durationMs)}</dd>
<dt>mode</dt><dd>${model.check ? 'check (--check)' : 'real run'}</dd>
<dt>hosts</dt><dd>${model.hosts.length}: ${counts.map(([s, n], i) => html`${i > 0 ? ', ' : ''}<span class="badge st-${s}">${n} ${hostStatusText(s)}</span>`)}${
    stopped > 0 ? html`, <span class="badge st-stopped">${stopped} stopped early</span>` : ''
  }</dd>
</dl>
</header>`;
}
