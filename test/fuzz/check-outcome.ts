import type { InputProblem } from '../../src/errors/input-error.js';
import { InputError } from '../../src/errors/input-error.js';

/** What one case did. */
export interface CaseOutcome {
  readonly result: 'ok' | 'input-error' | 'crash';
  readonly ms: number;
  /** Every broken rule, empty when the case passed. */
  readonly violations: string[];
}

/** A case slower than this is taken for a hang (milliseconds; FUZZ_CASE_MS overrides)... */
export const CASE_TIME_LIMIT_MS = Number(process.env.FUZZ_CASE_MS ?? 2000);
/** ...plus this much per megabyte of input: reading a big file takes linear time, which is no hang. */
export const CASE_TIME_PER_MB_MS = 1000;

const STACK_TRACE = /\bat Object\.|^\s+at |\n\s+at |\(node:internal|\.js:\d+:\d+\)/;
/** What must not reach a terminal: control characters (tab aside), line separators, lone surrogates. */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const MAX_MESSAGE = 1000;

/**
 * Runs a loader on `text` and checks the contract: it returns, or throws an InputError whose
 * every problem names the file, points inside it (line ≥ 1, col ≥ 1, within the file),
 * says something on one line without a stack trace; and it does so within the time limit.
 */
export function runCase(text: string, file: string, load: (text: string, file: string) => unknown): CaseOutcome {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let result: CaseOutcome['result'] = 'ok';
  const violations: string[] = [];
  try {
    const value = load(text, file);
    if (value === null || typeof value !== 'object') violations.push(`loader returned ${String(value)}`);
  } catch (error) {
    if (error instanceof InputError) {
      result = 'input-error';
      violations.push(...checkProblems(text, file, error.problems));
    } else {
      result = 'crash';
      const e = error as Error;
      violations.push(
        `threw ${e?.constructor?.name ?? typeof error}: ${String(e?.message ?? error).slice(0, 300)}\n${String(e?.stack ?? '')
          .split('\n')
          .slice(1, 6)
          .join('\n')}`,
      );
    }
  }
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  // CPU time, not wall time: a hang burns CPU, while a machine shared with other jobs only stretches the wall clock.
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const limit = CASE_TIME_LIMIT_MS + (CASE_TIME_PER_MB_MS * text.length) / (1024 * 1024);
  if (cpuMs > limit)
    violations.push(`took ${cpuMs.toFixed(0)} ms of CPU (${ms.toFixed(0)} ms wall; limit ${limit.toFixed(0)} ms for ${text.length} characters): a hang`);
  return { result, ms, violations };
}

/** The rules every reported problem follows. */
export function checkProblems(text: string, file: string, problems: readonly InputProblem[]): string[] {
  const out: string[] = [];
  if (problems.length === 0) out.push('InputError without problems');
  const lines = text.split('\n');
  for (const p of problems) {
    const where = `${p.line}:${p.col} "${String(p.message).slice(0, 120)}"`;
    if (p.file !== file) out.push(`${where}: file is ${JSON.stringify(p.file)}, not ${file}`);
    if (!Number.isInteger(p.line) || p.line < 1 || p.line > lines.length) out.push(`${where}: line out of the file (it has ${lines.length} lines)`);
    else if (!Number.isInteger(p.col) || p.col < 1 || p.col > lines[p.line - 1].length + 1)
      out.push(`${where}: column out of line ${p.line} (${lines[p.line - 1].length} characters)`);
    if (typeof p.message !== 'string' || p.message.trim() === '') out.push(`${where}: empty message`);
    else {
      if (STACK_TRACE.test(p.message)) out.push(`${where}: message looks like a stack trace`);
      if (CONTROL.test(p.message)) out.push(`${where}: message holds a line break or control character`);
      if (p.message.length > MAX_MESSAGE) out.push(`${where}: message of ${p.message.length} characters`);
      if (/maximum call stack|out of memory|undefined is not|cannot read propert/i.test(p.message)) out.push(`${where}: message leaks an internal error`);
    }
    if (p.sourceLine !== undefined && p.line >= 1 && p.line <= lines.length)
      out.push(...checkSourceLine(where, p.sourceLine, lines[p.line - 1].replace(/\r$/, '')));
  }
  return out;
}

/** The line shown under a message is the file's line: the same characters (control ones made visible), perhaps cut short. */
function checkSourceLine(where: string, shown: string, line: string): string[] {
  if (CONTROL.test(shown)) return [`${where}: source line holds control characters`];
  const cut = shown.endsWith('…') && shown.length <= line.length ? shown.length - 1 : shown.length;
  if (cut > line.length) return [`${where}: source line longer than the file's line`];
  for (let i = 0; i < cut; i++) {
    // A character that cannot be shown is replaced by one U+FFFD (so the caret keeps its column).
    if (shown[i] !== line[i] && !(shown[i] === '\ufffd' && /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff]/.test(line[i]))) {
      return [`${where}: source line differs from the file's line at character ${i + 1}`];
    }
  }
  return shown.length > 2000 ? [`${where}: source line of ${shown.length} characters`] : [];
}
