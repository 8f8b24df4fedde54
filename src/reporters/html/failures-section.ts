import { formatDuration } from '../format.js';
import type { FailureView, HtmlReportModel, OutputTail } from './report-model.js';
import { html, type SafeHtml } from './safe-html.js';

/** Each failed or unreachable task: where, its message, and the end of its stdout and stderr. Then the warnings. */
export function renderFailures(model: HtmlReportModel): SafeHtml {
  const failures = model.failures.length === 0 ? html`<p class="none">No task failed and every host was reached.</p>` : model.failures.map(renderFailure);
  const warnings =
    model.warnings.length === 0 ? '' : html`<section id="warnings"><h2>Warnings</h2><ul>${model.warnings.map((w) => html`<li>${w}</li>`)}</ul></section>`;
  return html`<section id="failures">
<h2>Failures</h2>
${failures}
</section>
${warnings}`;
}

function renderFailure(f: FailureView): SafeHtml {
  const rc = f.rc === null ? '' : html` · rc ${f.rc}`;
  return html`<article class="failure st-border-${f.status}">
<h3><span class="badge st-${f.status}">${f.status}</span> <span class="host">${f.host}</span> · ${f.task}</h3>
<p class="where">play ${f.play || '—'}${rc} · ${formatDuration(f.durationMs)}</p>
${f.msg === '' ? '' : html`<pre class="msg">${f.msg}</pre>`}
${renderTail('stdout', f.stdout)}${renderTail('stderr', f.stderr)}</article>
`;
}

function renderTail(name: string, tail: OutputTail): SafeHtml | string {
  if (tail.lines.length === 0) return '';
  const of = tail.total > tail.lines.length ? ` (last ${tail.lines.length} of ${tail.total} lines)` : '';
  return html`<p class="stream">${name}${of}</p><pre class="out">${tail.lines.join('\n')}</pre>\n`;
}
