import { readFileSync } from 'node:fs';
import type { InputProblem } from '../errors/input-error.js';
import type { SourcePos } from '../schema/yaml-source.js';

/**
 * Where a keyword of a mapping (a play, a task) is written, for a problem found at run time:
 * the `KEY:` line inside the mapping that starts at `pos`, with that line shown; the
 * mapping's own position (no source line) when the file cannot be read or the key not found.
 */
export function keywordSourcePos(pos: SourcePos, keyword: string): Pick<InputProblem, 'file' | 'line' | 'col' | 'sourceLine'> {
  let lines: string[];
  try {
    lines = readFileSync(pos.file, 'utf8').split('\n');
  } catch {
    return { file: pos.file, line: pos.line, col: pos.col };
  }
  const indent = pos.col - 1;
  const key = new RegExp(`^["']?${keyword}["']?\\s*:`);
  for (let i = pos.line - 1; i < lines.length; i++) {
    const text = lines[i];
    const lead = text.slice(0, indent);
    const trimmed = text.trim();
    if (i > pos.line - 1 && trimmed !== '' && !trimmed.startsWith('#') && lead.trim() !== '') break;
    if (key.test(text.slice(indent)) && (lead.trim() === '' || (i === pos.line - 1 && /^\s*-\s*$/.test(lead)))) {
      return { file: pos.file, line: i + 1, col: pos.col, sourceLine: text };
    }
  }
  return { file: pos.file, line: pos.line, col: pos.col, sourceLine: lines[pos.line - 1] };
}
