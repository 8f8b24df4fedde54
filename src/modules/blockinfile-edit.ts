/**
 * The text edit of Ansible's blockinfile, on binary strings (one char per byte): where the
 * marked block is, where a new one goes, and the message. Pure; the module reads and writes.
 */

export interface BlockEdit {
  readonly present: boolean;
  /** The block as given (binary string). */
  readonly block: string;
  /** The marker lines without their newline. */
  readonly begin: string;
  readonly end: string;
  /** 'EOF', a RegExp (searched per line, or in the whole text when multiline) or undefined. */
  readonly insertAfter?: RegExp | 'EOF';
  readonly insertBefore?: RegExp | 'BOF';
  /** The insert regexp has Python's MULTILINE flag: it is searched in the whole text. */
  readonly multiline: boolean;
}

/** Lines with their ends, as Python's bytes.splitlines(True) splits (`\n`, `\r\n`, `\r`). */
export function splitLinesUniversal(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

/** The new text, and Ansible's message; `original` undefined for a file that does not exist. */
export function blockEdit(original: string | undefined, e: BlockEdit): { text: string; changed: boolean; msg: string } {
  const lines = splitLinesUniversal(original ?? '');
  const marker0 = `${e.begin}\n`;
  const marker1 = `${e.end}\n`;
  let blockLines: string[] = [];
  if (e.present && e.block !== '') {
    const block = e.block.endsWith('\n') ? e.block : `${e.block}\n`;
    blockLines = [marker0, ...splitLinesUniversal(block), marker1];
  }
  let n0 = lines.lastIndexOf(marker0);
  const n1 = lines.lastIndexOf(marker1);
  if (n0 < 0 || n1 < 0) {
    n0 = insertPosition(original ?? '', lines, e);
  } else if (n0 < n1) {
    lines.splice(n0, n1 - n0 + 1);
  } else {
    lines.splice(n1, n0 - n1 + 1);
    n0 = n1;
  }
  if (n0 > 0 && !lines[n0 - 1].endsWith('\n')) lines[n0 - 1] += '\n';
  lines.splice(n0, 0, ...blockLines);
  const text = lines.join('');
  if (original === text) return { text, changed: false, msg: '' };
  if (original === undefined) return { text, changed: true, msg: 'File created' };
  return { text, changed: true, msg: blockLines.length === 0 ? 'Block removed' : 'Block inserted' };
}

function insertPosition(original: string, lines: readonly string[], e: BlockEdit): number {
  const re = e.insertAfter instanceof RegExp ? e.insertAfter : e.insertBefore instanceof RegExp ? e.insertBefore : undefined;
  if (re === undefined) return e.insertBefore === 'BOF' ? 0 : lines.length;
  let found: number | undefined;
  if (e.multiline) {
    const m = re.exec(original);
    if (m) {
      const upTo = e.insertAfter !== undefined ? m.index + m[0].length : m.index;
      found = original.slice(0, upTo).split('\n').length - 1;
    }
  } else {
    lines.forEach((line, i) => {
      if (re.test(line)) found = i;
    });
  }
  if (found === undefined) return lines.length;
  return e.insertAfter !== undefined ? found + 1 : found;
}
