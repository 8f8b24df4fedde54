import { secretMasker, type SecretMasker } from '../errors/mask-secrets.js';
import { tailLines } from './format.js';
import { buildReport, type ReportTask } from './report-file.js';
import { FileReporter, type SharedRunRecord } from './file-reporter.js';
import type { RunRecord } from './run-record.js';

/** Escapes text for XML attributes and content, dropping characters XML 1.0 cannot hold. */
export function escapeXml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c)
  );
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

function testcase(host: string, t: ReportTask): string {
  const open = `    <testcase classname="${escapeXml(host)}" name="${escapeXml(`${t.play}: ${t.task}`)}" time="${seconds(t.duration_ms)}"`;
  const out = t.stdout ? `\n      <system-out>${escapeXml(t.stdout)}</system-out>` : '';
  const err = t.stderr ? `\n      <system-err>${escapeXml(t.stderr)}</system-err>` : '';
  const detail = [t.msg, ...tailLines(t.stderr, 20)].filter(Boolean).join('\n');
  switch (t.status) {
    case 'failed':
      if (t.ignored)
        return `${open}>\n      <system-out>${escapeXml(`failure ignored: ${detail}`)}${t.stdout ? `\n${escapeXml(t.stdout)}` : ''}</system-out>${err}\n    </testcase>`;
      return `${open}>\n      <failure message="${escapeXml(t.msg || 'failed')}" type="failed">${escapeXml(detail)}</failure>${out}${err}\n    </testcase>`;
    case 'unreachable':
      return `${open}>\n      <error message="${escapeXml(t.msg || 'unreachable')}" type="unreachable">${escapeXml(detail)}</error>\n    </testcase>`;
    case 'skipped':
      return `${open}>\n      <skipped message="${escapeXml(t.msg || 'skipped')}"/>\n    </testcase>`;
    default:
      return out || err ? `${open}>${out}${err}\n    </testcase>` : `${open}/>`;
  }
}

/**
 * JUnit XML: one testsuite per host, one testcase per host × task (classname = host,
 * name = `play: task`). Failures are `<failure>`, unreachable hosts `<error>`, skipped tasks
 * and hosts never reached `<skipped>`. Every string is masked and escaped.
 */
export function buildJunitXml(record: RunRecord, masker: SecretMasker = secretMasker): string {
  const report = buildReport(record, masker);
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  let totalMs = 0;
  for (const [host, h] of Object.entries(report.hosts)) {
    const tasks: ReportTask[] = [...h.tasks];
    const reason = report.halted ? `batch ${report.halted.batch} halted: ${report.halted.reason}` : 'run interrupted';
    if (h.status === 'not-reached') {
      tasks.push({
        play: report.halted?.play ?? '',
        task: 'not reached',
        status: 'skipped',
        rc: null,
        stdout: '',
        stderr: '',
        msg: `never reached (${reason})`,
        duration_ms: 0,
        ignored: false,
        censored: false,
      });
    } else if (h.stopped_early) {
      tasks.push({
        play: report.halted?.play ?? '',
        task: 'stopped before the end',
        status: 'skipped',
        rc: null,
        stdout: '',
        stderr: '',
        msg: `stopped after the tasks above (${reason})`,
        duration_ms: 0,
        ignored: false,
        censored: false,
      });
    }
    const f = tasks.filter((t) => t.status === 'failed' && !t.ignored).length;
    const e = tasks.filter((t) => t.status === 'unreachable').length;
    const s = tasks.filter((t) => t.status === 'skipped').length;
    const ms = tasks.reduce((sum, t) => sum + t.duration_ms, 0);
    tests += tasks.length;
    failures += f;
    errors += e;
    skipped += s;
    totalMs += ms;
    suites.push(
      `  <testsuite name="${escapeXml(host)}" tests="${tasks.length}" failures="${f}" errors="${e}" skipped="${s}" time="${seconds(ms)}">\n` +
        tasks.map((t) => testcase(host, t) + '\n').join('') +
        '  </testsuite>',
    );
  }
  const head = `<testsuites name="${escapeXml(report.playbook)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(totalMs)}">`;
  return ['<?xml version="1.0" encoding="UTF-8"?>', head, ...suites, '</testsuites>', ''].join('\n');
}

/** `--junit FILE.xml`: written like the report, at the end and when interrupted (see FileReporter). */
export function createJunitReporter(path: string, masker: SecretMasker = secretMasker, shared?: SharedRunRecord): FileReporter {
  return new FileReporter(path, (record) => buildJunitXml(record, masker), shared);
}
