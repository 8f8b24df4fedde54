/**
 * Shell-like word splitting for free-form `command` and `script` lines (like Python's
 * shlex.split in POSIX mode): whitespace separates words, single quotes are literal, double
 * quotes keep `\` escapes only before `$`, `` ` ``, `"`, `\` and newline. Nothing is expanded.
 */

/** One word with its unquoted value and where it was written. */
export interface ShellWord {
  readonly value: string;
  /** The word as written, quotes included. */
  readonly raw: string;
  readonly start: number;
}

const SPACE = /[ \t\r\n]/;
const DQ_ESCAPABLE = '$`"\\\n';

/** Splits a command line into words; throws with a clear message on an unterminated quote. */
export function tokenizeShellWords(line: string): ShellWord[] {
  const words: ShellWord[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && SPACE.test(line[i])) i++;
    if (i >= line.length) break;
    const start = i;
    let value = '';
    while (i < line.length && !SPACE.test(line[i])) {
      const c = line[i];
      if (c === "'") {
        const end = line.indexOf("'", i + 1);
        if (end < 0) throw new Error(`unterminated single quote at character ${i + 1} of: ${line}`);
        value += line.slice(i + 1, end);
        i = end + 1;
      } else if (c === '"') {
        i++;
        for (;;) {
          if (i >= line.length) throw new Error(`unterminated double quote at character ${start + 1} of: ${line}`);
          const d = line[i];
          if (d === '"') break;
          if (d === '\\' && i + 1 < line.length && DQ_ESCAPABLE.includes(line[i + 1])) {
            if (line[i + 1] !== '\n') value += line[i + 1];
            i += 2;
          } else {
            value += d;
            i++;
          }
        }
        i++;
      } else if (c === '\\' && i + 1 < line.length) {
        if (line[i + 1] !== '\n') value += line[i + 1];
        i += 2;
      } else {
        value += c;
        i++;
      }
    }
    words.push({ value, raw: line.slice(start, i), start });
  }
  return words;
}

/** The unquoted words of a command line: `a "b c" 'd'` → `['a', 'b c', 'd']`. */
export function splitShellWords(line: string): string[] {
  return tokenizeShellWords(line).map((w) => w.value);
}

/** A free-form line with Ansible's inline `key=value` options taken out. */
export interface InlineOptions {
  readonly options: Readonly<Record<string, string>>;
  /** The rest of the line, as written. */
  readonly rest: string;
}

/**
 * Takes Ansible's inline options (`creates=/x chdir=/tmp make`) out of a free-form line:
 * only words that start with one of `keys` followed by `=` are options, as in Ansible.
 * A line that cannot be tokenized is returned whole (the shell will report it).
 */
export function extractInlineOptions(line: string, keys: readonly string[]): InlineOptions {
  let words: ShellWord[];
  try {
    words = tokenizeShellWords(line);
  } catch {
    return { options: {}, rest: line };
  }
  const options: Record<string, string> = {};
  const kept: ShellWord[] = [];
  for (const w of words) {
    const eq = w.raw.indexOf('=');
    const key = eq > 0 ? w.raw.slice(0, eq) : '';
    if (keys.includes(key)) options[key] = w.value.slice(w.value.indexOf('=') + 1);
    else kept.push(w);
  }
  if (kept.length === words.length) return { options, rest: line.trim() };
  return { options, rest: kept.map((w) => w.raw).join(' ') };
}
