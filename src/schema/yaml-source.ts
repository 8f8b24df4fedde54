import { isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node, type Pair } from 'yaml';

/** Where a node came from, 1-based, for `file:line:col` messages at run time. */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** A position with the text of its line, for a problem found after the file was read (shown under the message). */
export interface SourceLine extends SourcePos {
  readonly text: string;
}

/** A path into a YAML document: mapping keys and sequence indexes (numeric strings work too). */
export type YamlPath = readonly (string | number)[];

/** A parsed YAML file: its plain value plus a way back from any path to `file:line:col`. */
export interface YamlSource {
  readonly file: string;
  readonly value: unknown;
  /** The file's text, as parsed. */
  readonly text: string;
  /** Position of the value at `path`; falls back to the deepest node that exists (its key when the value is empty). */
  posOf(path: YamlPath): SourcePos;
  /** Position of the mapping key that ends `path` (for a sequence index, the item itself). */
  keyPosOf(path: YamlPath): SourcePos;
  /** keyPosOf, with the text of its line. */
  keyLineOf(path: YamlPath): SourceLine;
  /** The text of a 1-based line, without its line break ('' past the end). */
  lineText(line: number): string;
  /** The YAML node at `path`, when it exists (for loaders that need scalar details). */
  nodeAt(path: YamlPath): Node | undefined;
  /** Turns a character offset of the file text into a position. */
  posAtOffset(offset: number): SourcePos;
}

interface Step {
  node: Node | null;
  pair?: Pair;
}

/**
 * The line starts of a text, for offset → line:col. Counted here rather than by `yaml`'s parser,
 * which reports only the line breaks it reads as such and misses those inside what it cannot
 * parse, so that positions after a syntax error came out lines too early.
 */
export function countLines(text: string): LineCounter {
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
  return lineCounter;
}

/** Builds the YamlSource of a parsed document. */
export function createYamlSource(file: string, text: string, doc: Document | null, value: unknown, lineCounter: LineCounter): YamlSource {
  let lines: string[] | undefined;
  const posAtOffset = (offset: number): SourcePos => {
    const { line, col } = lineCounter.linePos(Math.max(0, Math.min(offset, text.length)));
    return { file, line, col };
  };
  const posOfNode = (node: Node | null | undefined): SourcePos | undefined => (node?.range ? posAtOffset(node.range[0]) : undefined);

  /** Walks the path; returns every step reached (the first is the root). */
  const walk = (path: YamlPath): Step[] => {
    const steps: Step[] = [{ node: (doc?.contents as Node | null | undefined) ?? null }];
    for (const seg of path) {
      const here = steps[steps.length - 1].node;
      if (isSeq(here)) {
        const item = here.items[Number(seg)] as Node | undefined;
        if (item === undefined) break;
        steps.push({ node: item });
      } else if (isMap(here)) {
        const pair = findPair(here.items, String(seg));
        if (!pair) break;
        steps.push({ node: (pair.value as Node | null) ?? null, pair });
      } else {
        break;
      }
    }
    return steps;
  };

  const fallback = (steps: Step[]): SourcePos => {
    for (let i = steps.length - 1; i >= 0; i--) {
      const pos = posOfNode(steps[i].node) ?? posOfNode(steps[i].pair?.key as Node | undefined);
      if (pos) return pos;
    }
    return { file, line: 1, col: 1 };
  };

  const keyPosOf = (path: YamlPath): SourcePos => {
    const steps = walk(path);
    const last = steps[steps.length - 1];
    if (steps.length === path.length + 1 && last.pair) {
      const pos = posOfNode(last.pair.key as Node | undefined);
      if (pos) return pos;
    }
    return fallback(steps);
  };
  const lineText = (line: number): string => {
    lines ??= text.split('\n');
    const found = lines[line - 1] ?? '';
    // Not a /\r$/ regex: that scans the whole line, and a file may hold a megabyte-long line with many problems.
    return found.endsWith('\r') ? found.slice(0, -1) : found;
  };

  return {
    file,
    value,
    text,
    posOf: (path) => fallback(walk(path)),
    keyPosOf,
    keyLineOf: (path) => {
      const pos = keyPosOf(path);
      return { ...pos, text: lineText(pos.line) };
    },
    lineText,
    nodeAt: (path) => {
      const steps = walk(path);
      return steps.length === path.length + 1 ? (steps[steps.length - 1].node ?? undefined) : undefined;
    },
    posAtOffset,
  };
}

function findPair(items: readonly unknown[], key: string): Pair | undefined {
  for (const item of items) {
    if (!isPair(item)) continue;
    const k = item.key;
    const name = isScalar(k) ? String(k.value) : String(k);
    if (name === key) return item;
  }
  return undefined;
}
