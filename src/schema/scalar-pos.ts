import { isScalar, Scalar } from 'yaml';
import type { SourcePos, YamlPath, YamlSource } from './yaml-source.js';

/**
 * The file position of a place inside a string value: `line`/`col` are 1-based within the
 * string (as a template checker reports them). Exact for plain and quoted one-line strings
 * without escapes, and for literal blocks (`|`); otherwise the start of the value.
 */
export function posInScalar(source: YamlSource, path: YamlPath, line: number, col: number): SourcePos {
  const start = source.posOf(path);
  const node = source.nodeAt(path);
  if (!isScalar(node) || !node.range || typeof node.value !== 'string') return start;
  const value = node.value;
  const raw = source.text.slice(node.range[0], node.range[1]);
  const valueLines = value.split('\n');
  if (line < 1 || line > valueLines.length) return start;
  const colOffset = Math.min(col - 1, valueLines[line - 1].length);

  if (node.type === Scalar.BLOCK_LITERAL) {
    const offset = literalBlockOffset(raw, valueLines, line - 1);
    return offset === undefined ? start : source.posAtOffset(node.range[0] + offset + colOffset);
  }
  if (valueLines.length > 1) return start;
  const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
  const at = quoted ? (raw.slice(1, 1 + value.length) === value ? 1 : -1) : raw.startsWith(value) ? 0 : -1;
  if (at < 0) return start;
  return source.posAtOffset(node.range[0] + at + colOffset);
}

/** Offset (within the raw block text) of the start of content line `index`, after the indentation. */
function literalBlockOffset(raw: string, valueLines: readonly string[], index: number): number | undefined {
  const headerEnd = raw.indexOf('\n');
  if (headerEnd < 0) return undefined;
  const contentLines = raw.slice(headerEnd + 1).split('\n');
  const first = contentLines.find((l) => l.trim() !== '');
  if (first === undefined) return undefined;
  const indent = /^ */.exec(first)![0].length;
  let offset = headerEnd + 1;
  for (let i = 0; i < index; i++) {
    if (contentLines[i] === undefined) return undefined;
    offset += contentLines[i].length + 1;
  }
  const target = contentLines[index];
  if (target === undefined || !target.slice(indent).startsWith(valueLines[index])) return undefined;
  return offset + indent;
}
