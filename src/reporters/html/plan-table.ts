import type { HostStats } from '../../engine/results.js';
import { hostStatusText } from './header-section.js';
import type { HtmlReportModel, PlanRow } from './report-model.js';
import { html, type SafeHtml } from './safe-html.js';

const COUNTS: readonly (keyof HostStats)[] = ['ok', 'changed', 'failed', 'skipped', 'unreachable', 'rescued', 'ignored'];

/**
 * Per host, what the run did (or, in check mode, would do): the host's plan line when its
 * playbook has a `plan` task (playbooks/upgrade.yaml), its recap counts and its final status.
 */
export function renderPlanTable(model: HtmlReportModel): SafeHtml {
  const withPlan = model.hosts.some((h) => h.plan !== null);
  return html`<section id="plan">
<h2>${model.check ? 'Plan: what the run would do' : 'Plan: what the run did'}</h2>
<table class="plan">
<thead><tr><th>host</th><th>status</th>${withPlan ? html`<th>plan</th>` : ''}${COUNTS.map((c) => html`<th class="n">${c}</th>`)}</tr></thead>
<tbody>
${model.hosts.map((h) => planRow(h, withPlan))}</tbody>
</table>
</section>`;
}

function planRow(h: PlanRow, withPlan: boolean): SafeHtml {
  const status = html`<span class="badge st-${h.status}">${hostStatusText(h.status)}</span>${h.stoppedEarly ? html` <span class="badge st-stopped">stopped early</span>` : ''}`;
  const plan = withPlan ? html`<td class="plan-line">${h.plan ?? '—'}</td>` : '';
  return html`<tr class="host-${h.status}"><td class="host">${h.host}</td><td>${status}</td>${plan}${COUNTS.map(
    (c) => html`<td class="n${h.stats[c] > 0 ? ` c-${c}` : ''}">${h.stats[c]}</td>`,
  )}</tr>\n`;
}
