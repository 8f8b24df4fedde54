import { InputError, type InputProblem } from '../errors/input-error.js';

/** Messages longer than this are cut (they quote what the user wrote, which can be anything). */
export const MAX_MESSAGE_LENGTH = 500;
/** Source lines longer than this are cut after the column (or left out when the column is beyond it). */
export const MAX_SOURCE_LINE_LENGTH = 300;

// C0 controls but tab, DEL, C1 controls, the Unicode line separators, and lone surrogates.
const UNPRINTABLE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\0': '\\0' };

/**
 * A problem fit for a terminal: one line of message without control characters (escaped as
 * `\n`, `\u001b`, …) and not longer than MAX_MESSAGE_LENGTH; the source line with control
 * characters shown as `\ufffd` (one for one, so the caret stays under its column), cut when long.
 */
export function cleanProblem(p: InputProblem): InputProblem {
  let message = p.message.replace(UNPRINTABLE, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).replace(/\t/g, '\\t');
  if (message.length > MAX_MESSAGE_LENGTH) message = `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
  const cleaned: InputProblem = { file: p.file, line: p.line, col: p.col, message };
  const sourceLine = p.sourceLine === undefined ? undefined : cleanSourceLine(p.sourceLine, p.col);
  return sourceLine === undefined ? cleaned : { ...cleaned, sourceLine };
}

function cleanSourceLine(line: string, col: number): string | undefined {
  const visible = (s: string): string => s.replace(UNPRINTABLE, '\ufffd');
  if (line.length <= MAX_SOURCE_LINE_LENGTH) return visible(line);
  // Keep what leads up to the column, so the caret still points at the right character.
  if (col > MAX_SOURCE_LINE_LENGTH) return undefined;
  // One more character than shown, so a surrogate pair cut in two is not taken for a lone one.
  return `${visible(line.slice(0, MAX_SOURCE_LINE_LENGTH + 1)).slice(0, MAX_SOURCE_LINE_LENGTH)}…`;
}

/** The most problems one file reports; past it, one last problem says how many more there are. */
export const MAX_PROBLEMS_PER_FILE = 100;

/**
 * The InputError of a loader: every problem cleaned (see cleanProblem), at most
 * MAX_PROBLEMS_PER_FILE per file (a binary file yields a problem per byte, nobody reads those).
 * `unlisted` counts further problems of the (single) file that were found but not listed.
 */
export function createInputError(problems: readonly InputProblem[], unlisted = 0): InputError {
  const byFile = new Map<string, InputProblem[]>();
  for (const p of problems) {
    const list = byFile.get(p.file);
    if (list) list.push(p);
    else byFile.set(p.file, [p]);
  }
  const kept: InputProblem[] = [];
  for (const list of byFile.values()) {
    const shown = list.slice(0, MAX_PROBLEMS_PER_FILE);
    kept.push(...shown.map(cleanProblem));
    const more = list.length - shown.length + unlisted;
    if (more > 0) {
      const at = list[shown.length] ?? list[list.length - 1];
      kept.push(cleanProblem({ ...at, message: `and ${more} more problem${more === 1 ? '' : 's'} in this file from here on; fix the ones above first` }));
    }
  }
  return new InputError(kept);
}
