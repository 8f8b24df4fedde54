/**
 * Replays what a program wrote to a terminal and returns the screen: enough of ANSI for
 * log-update (erase line, cursor up, column 0) and colours (ignored).
 */
export function replayTerminal(text: string): string[] {
  const screen: string[] = [''];
  let row = 0;
  let col = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\u001b') {
      const m = /^\u001b\[([0-9;?]*)([A-Za-z])/.exec(text.slice(i));
      if (!m) {
        i++;
        continue;
      }
      const n = Number(m[1] || '1');
      if (m[2] === 'A') row = Math.max(0, row - n);
      else if (m[2] === 'G') col = 0;
      else if (m[2] === 'K') screen[row] = '';
      i += m[0].length;
      continue;
    }
    if (c === '\n') {
      row++;
      col = 0;
      while (screen.length <= row) screen.push('');
    } else if (c === '\r') col = 0;
    else {
      const line = screen[row].padEnd(col);
      screen[row] = line.slice(0, col) + c + line.slice(col + 1);
      col++;
    }
    i++;
  }
  while (screen.length > 0 && screen[screen.length - 1] === '') screen.pop();
  return screen;
}

/** The frames log-update drew: each write that starts by erasing the previous frame, ANSI removed. */
export function framesOf(chunks: readonly string[]): string[][] {
  return chunks
    .filter((c) => c.includes('\n') && !c.startsWith('\u001b[?25h'))
    .map((c) =>
      c
        // eslint-disable-next-line no-control-regex
        .replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')
        .replace(/\n$/, '')
        .split('\n'),
    );
}
