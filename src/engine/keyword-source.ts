import type { InputProblem } from '../errors/input-error.js';
import type { Play } from '../playbook/types.js';
import type { SourceLine, SourcePos } from '../schema/yaml-source.js';

/** A problem's place from a position kept at load time, with its line when it has one. */
export function problemAt(pos: SourcePos | SourceLine): Pick<InputProblem, 'file' | 'line' | 'col' | 'sourceLine'> {
  return 'text' in pos ? { file: pos.file, line: pos.line, col: pos.col, sourceLine: pos.text } : { file: pos.file, line: pos.line, col: pos.col };
}

/** Where a play keyword is written (the play's own position when the keyword is not written in it). */
export function playKeywordAt(play: Play, keyword: string): Pick<InputProblem, 'file' | 'line' | 'col' | 'sourceLine'> {
  return problemAt(play.keyLines?.[keyword] ?? play.pos);
}
