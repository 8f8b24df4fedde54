import { secretMasker, type SecretMasker } from '../errors/mask-secrets.js';
import { FileReporter, type SharedRunRecord } from './file-reporter.js';
import { renderHtmlPage } from './html/page.js';
import { buildHtmlModel } from './html/report-model.js';
import type { RunRecord } from './run-record.js';

/**
 * The HTML report of a run: one self-contained page (inline CSS and SVG, no script, nothing
 * fetched) with the run's outcome, the plan per host, a timeline of batches and tasks, and the
 * failures with their output. Every string is masked, then escaped.
 */
export function buildHtmlReport(record: RunRecord, masker: SecretMasker = secretMasker, now: Date = new Date()): string {
  return renderHtmlPage(buildHtmlModel(record, masker, now));
}

/** `--report-html FILE.html`: written like the JSON report, at the end and when interrupted (see FileReporter). */
export function createHtmlReportReporter(path: string, masker: SecretMasker = secretMasker, shared?: SharedRunRecord): FileReporter {
  return new FileReporter(path, (record) => buildHtmlReport(record, masker), shared);
}
