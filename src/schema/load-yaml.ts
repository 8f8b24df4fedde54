import { isUtf8 } from 'node:buffer';
import { readFileSync, statSync } from 'node:fs';
import { visit, type Document } from 'yaml';
import { InputError, type InputProblem } from '../errors/input-error.js';
import type { VaultSecret } from '../vault/vault-secrets.js';
import { checkAliasesAndKeys } from './check-aliases-and-keys.js';
import { findInvalidUtf8, findUnprintableCharacters } from './check-characters.js';
import { createInputError } from './clean-problems.js';
import { MAX_YAML_DEPTH, parseYamlDocument } from './parse-yaml-document.js';
import { describeYamlError } from './yaml-messages.js';
import { countLines, createYamlSource, type YamlSource } from './yaml-source.js';
import { ansibleTags } from './yaml-tags.js';

export type { YamlPath, YamlSource } from './yaml-source.js';

/** Parser errors looked at per file; the rest are counted only. */
const MAX_YAML_ERRORS = 1000;
/** Files larger than this are refused before they are read. */
export const MAX_YAML_BYTES = 10 * 1024 * 1024;

export interface LoadYamlOptions {
  /** What the file should hold, for the empty-file message, e.g. "a list of plays". */
  readonly expected?: string;
  /** An empty file (or one with only comments) is fine: its value is null (vars files). */
  readonly allowEmpty?: boolean;
  /**
   * The secrets that decrypt `!vault` values (each becomes its decrypted string, registered
   * with the secret masker). Without any, a `!vault` value is a problem at its tag.
   */
  readonly vaultSecrets?: readonly VaultSecret[];
}

/**
 * Reads and parses a YAML file. Throws one InputError listing every problem of the file:
 * syntax errors, duplicate keys, tab indentation, an empty file, a huge file, nesting thousands
 * of levels deep, an alias bomb, a recursive or undefined alias.
 */
export function loadYamlFile(file: string, options: LoadYamlOptions = {}): YamlSource {
  return loadYamlText(readInputText(file), file, options);
}

/**
 * A file's text with the checks every input file gets, YAML or not: not larger than the
 * limit, readable, valid UTF-8 (else the position of the first bad byte). Throws InputError.
 */
export function readInputText(file: string): string {
  let bytes: Buffer;
  try {
    const size = statSync(file).size;
    if (size > MAX_YAML_BYTES) {
      throw problemError(file, `file is too large (${formatMb(size)}); the limit is ${formatMb(MAX_YAML_BYTES)}`);
    }
    bytes = readFileSync(file);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw problemError(file, `cannot read the file: ${describeFsError(error)}`);
  }
  const text = bytes.toString('utf8');
  const invalid = isUtf8(bytes) ? undefined : findInvalidUtf8(bytes);
  if (invalid) {
    const pos = createYamlSource(file, text, null, undefined, countLines(text)).posAtOffset(invalid.offset);
    throw createInputError([{ ...pos, message: invalid.message }]);
  }
  return text;
}

/** Parses YAML text that came from `file` (used in messages). Same checks as loadYamlFile. */
export function loadYamlText(text: string, file: string, options: LoadYamlOptions = {}): YamlSource {
  if (text.length > MAX_YAML_BYTES) {
    throw problemError(file, `file is too large (${formatMb(text.length)}); the limit is ${formatMb(MAX_YAML_BYTES)}`);
  }
  const lineCounter = countLines(text);
  const source0 = createYamlSource(file, text, null, undefined, lineCounter);
  const problems: InputProblem[] = [];
  const at = (offset: number, message: string): void => {
    const pos = source0.posAtOffset(offset);
    problems.push({ ...pos, message, sourceLine: source0.lineText(pos.line) });
  };
  // Nothing to parse in a binary file: it would only add a syntax error per byte.
  for (const p of findUnprintableCharacters(text)) at(p.offset, p.message);
  if (problems.length > 0) throw createInputError(problems);
  const parsed = parseYamlDocument(text, {
    prettyErrors: false,
    uniqueKeys: false,
    merge: true,
    customTags: ansibleTags(options.vaultSecrets),
    logLevel: 'error',
  });
  if ('tooDeepAt' in parsed) {
    at(parsed.tooDeepAt, `refused: lists and mappings nested more than ${MAX_YAML_DEPTH} levels deep`);
    throw createInputError(problems);
  }
  const { doc, droppedErrors } = parsed;

  const tabLines = findTabIndentedLines(text);
  const reportedTabLines = new Set<number>();
  // Garbage makes an error per character; past the first thousand they are only counted.
  const errors = doc.errors.slice(0, MAX_YAML_ERRORS);
  const uncounted = doc.errors.length - errors.length + droppedErrors;
  let unclosedQuote: number | undefined | null = null;
  let reportedUnclosedQuote = false;
  let reportedStreamError = false;
  for (const error of errors) {
    const { line } = lineCounter.linePos(error.pos[0]);
    const tabCol = tabLines.get(line);
    if (tabCol !== undefined || error.code === 'TAB_AS_INDENT') {
      // One message per tab-indented line instead of the parser's cascade.
      if (reportedTabLines.has(line)) continue;
      reportedTabLines.add(line);
      const col = tabCol ?? lineCounter.linePos(error.pos[0]).col;
      problems.push({ file, line, col, message: 'tabs are not allowed for indentation; use spaces', sourceLine: source0.lineText(line) });
      continue;
    }
    if (error.code === 'MISSING_CHAR' && /quote/.test(error.message)) {
      // The parser reports each unclosed string again and again; the first one is the news.
      if (unclosedQuote === null) unclosedQuote = findUnclosedQuote(doc, text);
      const start = unclosedQuote;
      if (start !== undefined) {
        if (reportedUnclosedQuote) continue;
        reportedUnclosedQuote = true;
        const quote = text[start] === '"' ? 'double' : 'single';
        at(start, `unclosed ${quote} quote: the string that starts here is never closed (add the closing ${text[start]})`);
        continue;
      }
    }
    if (/without - indicator|must start at the same column/.test(error.message)) {
      // Point at the first character of the misaligned line, not at its start.
      const lineStart = error.pos[0] - (lineCounter.linePos(error.pos[0]).col - 1);
      const indent = /^[ ]*/.exec(text.slice(lineStart, lineStart + 1000))![0].length;
      at(lineStart + indent, describeYamlError(error));
      continue;
    }
    if (/in YAML stream/.test(error.message)) {
      // Once the document broke, the parser reports each token after it: only the first says something.
      if (reportedStreamError || problems.length > 0) continue;
      reportedStreamError = true;
    }
    at(error.pos[0], describeYamlError(error));
  }
  for (const p of checkAliasesAndKeys(doc, (offset) => lineCounter.linePos(offset).line)) at(p.offset, p.message);

  if (problems.length === 0 && doc.contents === null && !options.allowEmpty) {
    problems.push({ file, line: 1, col: 1, message: `file is empty; expected ${options.expected ?? 'a YAML document'}` });
  }

  let value: unknown;
  if (problems.length === 0) {
    try {
      // Aliases were bounded above (checkAliasesAndKeys), so the library's own count is not needed.
      value = doc.toJS({ maxAliasCount: -1 });
    } catch (error) {
      const msg = error instanceof Error ? error.message : String(error);
      at(0, `YAML error: ${msg}`);
    }
  }
  problems.sort((a, b) => a.line - b.line || a.col - b.col);
  if (problems.length > 0) throw createInputError(problems, uncounted);
  return createYamlSource(file, text, doc, value, lineCounter);
}

/** Line (1-based) → column of the first tab in its indentation, for lines indented with a tab. */
function findTabIndentedLines(text: string): Map<number, number> {
  const out = new Map<number, number>();
  if (!text.includes('\t')) return out;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const indent = /^[ \t]*/.exec(lines[i])![0];
    const tab = indent.indexOf('\t');
    if (tab >= 0) out.set(i + 1, tab + 1);
  }
  return out;
}

/** Offset of the opening quote of a quoted string that never closes. */
function findUnclosedQuote(doc: Document, text: string): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Scalar(_key, node) {
      if ((node.type !== 'QUOTE_DOUBLE' && node.type !== 'QUOTE_SINGLE') || !node.range) return;
      const raw = text.slice(node.range[0], node.range[1]).trimEnd();
      const q = raw[0];
      if (raw.length < 2 || raw[raw.length - 1] !== q || (q === '"' && raw[raw.length - 2] === '\\')) {
        found = node.range[0];
        return visit.BREAK;
      }
    },
  });
  return found;
}

function problemError(file: string, message: string): InputError {
  return createInputError([{ file, line: 1, col: 1, message }]);
}

function formatMb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory, not a file';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
