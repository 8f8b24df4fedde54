/**
 * Splits one line into words the way Python's `shlex.split(line, comments=True)` does, which
 * is how Ansible reads a host line of an INI inventory (`web1 ansible_user=ops note="a b"`):
 *
 * - words are separated by spaces, tabs and line breaks;
 * - `'…'` keeps everything literally; `"…"` keeps everything except that a backslash escapes
 *   `"` or `\` (before any other character the backslash stays);
 * - outside quotes a backslash makes the next character literal;
 * - `#` starts a comment wherever a word could continue (`a=b#c` is `a=b`), not inside quotes;
 * - quotes join with the text around them (`x="a b"c` is one word `x=a bc`); `""` alone is an
 *   empty word.
 *
 * Throws an Error naming the problem when a quote is not closed or the line ends in `\`.
 */
export function shlexSplit(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  const end = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      end();
      i += 1;
    } else if (c === '#') {
      break;
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new Error('no character after the final "\\"');
      word += line[i + 1];
      inWord = true;
      i += 2;
    } else if (c === "'" || c === '"') {
      i = readQuoted(c, i + 1);
      inWord = true;
    } else {
      word += c;
      inWord = true;
      i += 1;
    }
  }
  end();
  return words;

  function readQuoted(quote: string, from: number): number {
    let j = from;
    while (j < line.length) {
      const c = line[j];
      if (c === quote) return j + 1;
      if (quote === '"' && c === '\\' && j + 1 < line.length) {
        const next = line[j + 1];
        word += next === '"' || next === '\\' ? next : c + next;
        j += 2;
        continue;
      }
      word += c;
      j += 1;
    }
    throw new Error(`no closing quotation (${quote})`);
  }
}
