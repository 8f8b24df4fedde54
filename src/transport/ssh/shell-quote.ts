/** Quotes one word for a POSIX shell: `it's` → `'it'\''s'`. */
export function quoteShellArg(word: string): string {
  if (/^[A-Za-z0-9_\-./:=@%+,]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
