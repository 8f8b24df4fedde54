import { ExitCode, TpxError } from './tpx-error.js';

/** One problem in an input file, with its 1-based position. */
export interface InputProblem {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
  /** The offending source line, shown under the message with a caret. */
  readonly sourceLine?: string;
}

/** Every problem found in the input files at once: exit 4, no stack trace. */
export class InputError extends TpxError {
  readonly problems: readonly InputProblem[];

  constructor(problems: readonly InputProblem[]) {
    super('input', problems.map(formatProblemHeadline).join('\n'), { exitCode: ExitCode.badInput });
    this.problems = problems;
  }
}

/** `FILE:LINE:COL: message` */
export function formatProblemHeadline(p: InputProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.message}`;
}

/** The headline, then the offending line and a caret under the column. */
export function formatProblem(p: InputProblem): string {
  if (p.sourceLine === undefined) return formatProblemHeadline(p);
  const gutter = `${p.line} | `;
  const caretPad = ' '.repeat(gutter.length + Math.max(0, p.col - 1));
  return `${formatProblemHeadline(p)}\n${gutter}${p.sourceLine.replace(/\t/g, ' ')}\n${caretPad}^`;
}
