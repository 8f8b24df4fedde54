import type { YAMLError } from 'yaml';
import { VAULT_TAG_MESSAGE_START } from './vault-tag.js';

/** Messages a person can act on, by `yaml` error code; the parser's own text is kept for the rest. */
const MESSAGES: Partial<Record<string, string>> = {
  TAB_AS_INDENT: 'tabs are not allowed for indentation; use spaces',
  BLOCK_AS_IMPLICIT_KEY: 'a ": " inside a plain value starts a nested mapping here; quote the value, or put the mapping on its own indented lines',
  MULTILINE_IMPLICIT_KEY: 'a key must fit on one line; check the indentation of this line and the one above',
  MULTIPLE_DOCS: 'only one YAML document per file is allowed; remove the second "---" and what follows or move it to another file',
  BAD_DQ_ESCAPE: 'invalid escape sequence in a double-quoted string; use single quotes or write \\\\ for a backslash',
  KEY_OVER_1024_CHARS: 'a key longer than 1024 characters; a mapping key must be short',
  MULTIPLE_ANCHORS: 'a node can have only one &anchor',
  MULTIPLE_TAGS: 'a node can have only one !tag',
};

/** Turns a parser error into one message line. */
export function describeYamlError(error: YAMLError): string {
  const known = MESSAGES[error.code];
  if (known) return known;
  const raw = error.message.split('\n')[0].replace(/ at line \d+, column \d+.*$/, '');
  if (error.code === 'TAG_RESOLVE_FAILED' && raw.startsWith(VAULT_TAG_MESSAGE_START)) return raw;
  if (/without - indicator/.test(raw)) return 'bad indentation: this line does not line up with the keys above it (or its "- " is missing)';
  if (/must start at the same column/.test(raw)) return 'bad indentation: all keys of a mapping must start at the same column';
  if (error.code === 'MISSING_CHAR' && /quote/.test(raw)) {
    return `${lowerFirst(raw)}: a quoted string was never closed (it may have started on an earlier line)`;
  }
  if (error.code === 'BAD_INDENT' && /Flow (sequence|map)/.test(raw)) {
    const closer = /sequence/.test(raw) ? ']' : '}';
    return `unclosed flow ${/sequence/.test(raw) ? 'list "["' : 'mapping "{"'}: expected "${closer}" before this point (continuation lines must be indented too)`;
  }
  if (error.code === 'BAD_INDENT') return `bad indentation: ${lowerFirst(raw)}`;
  if (error.code === 'UNEXPECTED_TOKEN') return `YAML syntax error: ${lowerFirst(raw)}`;
  return `YAML syntax error: ${lowerFirst(raw)}`;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
