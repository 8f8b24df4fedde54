import { ConfigError } from './config-error.js';

/** One `key = value` of an INI file: the value as configparser gives it (raw: no `%` interpolation) and its key's line. */
export interface IniEntry {
  readonly value: string;
  /** 1-based line of the key. */
  readonly line: number;
}

export interface IniDocument {
  readonly file: string;
  /** The sections in file order, their keys lower-cased as configparser lower-cases them. Without `[DEFAULT]`. */
  readonly sections: ReadonlyMap<string, ReadonlyMap<string, IniEntry>>;
  /** The `[DEFAULT]` section: every section falls back to its keys. */
  readonly defaults: ReadonlyMap<string, IniEntry>;
}

/** The name of configparser's fallback section. */
export const DEFAULT_SECTION = 'DEFAULT';

interface OpenEntry {
  readonly values: string[];
  readonly line: number;
}

/**
 * Reads INI text as Python's configparser reads Ansible's config (`inline_comment_prefixes=(';',)`,
 * its other settings the defaults): `[section]` headers (names case-sensitive), `key = value` or
 * `key: value` (keys lower-cased, split at the first `=` or `:`), whole-line comments starting with
 * `#` or `;`, an inline comment only from a `;` after whitespace, and continuation lines: a line
 * indented deeper than its key's line continues the value (joined with line breaks; blank lines
 * inside are kept, trailing ones dropped). As configparser's strict mode, a section or a key
 * written twice is an error, and so is a key before any section or a line that is none of these.
 * Throws ConfigError at `FILE:LINE`.
 */
export function readIni(text: string, file: string): IniDocument {
  const sections = new Map<string, Map<string, OpenEntry>>();
  const defaults = new Map<string, OpenEntry>();
  const sectionLines = new Map<string, number>();
  let section: Map<string, OpenEntry> | undefined;
  let sectionName = '';
  let open: OpenEntry | undefined;
  let indent = Number.POSITIVE_INFINITY;
  // configparser reports lines it cannot read at the end (the first one here), other errors at once.
  let unreadable: ConfigError | undefined;
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const fail = (message: string): never => {
      throw new ConfigError(`${file}:${lineNo}`, message);
    };
    const skip = (message: string): void => {
      unreadable ??= new ConfigError(`${file}:${lineNo}`, message);
    };
    const commentAt = commentStart(raw);
    const value = raw.slice(0, commentAt).trim();
    if (value === '') {
      // A blank line belongs to the value being read; a comment line does not.
      if (commentAt === undefined && open) open.values.push('');
      return;
    }
    const lineIndent = raw.search(/\S/);
    if (open && lineIndent > indent) {
      open.values.push(value);
      return;
    }
    indent = lineIndent;
    const header = /^\[(.+)\]/.exec(value);
    if (header) {
      sectionName = header[1];
      open = undefined;
      if (sectionName === DEFAULT_SECTION) {
        section = defaults;
        return;
      }
      const first = sectionLines.get(sectionName);
      if (first !== undefined) fail(`section [${sectionName}] is written twice (first at line ${first})`);
      sectionLines.set(sectionName, lineNo);
      section = new Map();
      sections.set(sectionName, section);
      return;
    }
    if (!section) return fail(`a line before any [section] header: ${JSON.stringify(raw.trim())}`);
    const option = /^(.*?)\s*([=:])\s*(.*)$/.exec(value);
    if (!option) return skip(`neither a [section] header, a "key = value" line nor a comment: ${JSON.stringify(raw.trim())}`);
    const key = option[1].trimEnd().toLowerCase();
    if (key === '') skip(`a value without a key: ${JSON.stringify(raw.trim())}`);
    const earlier = section.get(key);
    if (earlier) fail(`key "${key}" is written twice in [${sectionName}] (first at line ${earlier.line})`);
    open = { values: [option[3].trim()], line: lineNo };
    section.set(key, open);
  });
  if (unreadable) throw unreadable;
  return {
    file,
    sections: new Map([...sections].map(([name, entries]) => [name, close(entries)])),
    defaults: close(defaults),
  };
}

/** The entry of `key` in `section`, else in `[DEFAULT]`, as configparser's `get` finds it. */
export function iniEntry(doc: IniDocument, section: string, key: string): IniEntry | undefined {
  const inSection = doc.sections.get(section)?.get(key);
  if (inSection) return inSection;
  // configparser answers from [DEFAULT] only for a section that exists.
  return doc.sections.has(section) ? doc.defaults.get(key) : undefined;
}

/** Where a comment starts: 0 for a whole-line `#` or `;` comment, else the first `;` at the start or after whitespace. */
function commentStart(line: string): number | undefined {
  const trimmed = line.trim();
  if (trimmed.startsWith('#') || trimmed.startsWith(';')) return 0;
  for (let at = line.indexOf(';'); at !== -1; at = line.indexOf(';', at + 1)) {
    if (at === 0 || /\s/.test(line[at - 1])) return at;
  }
  return undefined;
}

function close(entries: ReadonlyMap<string, OpenEntry>): ReadonlyMap<string, IniEntry> {
  return new Map([...entries].map(([key, e]) => [key, { value: e.values.join('\n').trimEnd(), line: e.line }]));
}
