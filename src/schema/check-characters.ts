import type { OffsetProblem } from './check-aliases-and-keys.js';

/** Reported per file at most; a binary file would otherwise give one per byte. */
const MAX_REPORTED = 20;

// What YAML 1.2 does not allow in a stream (c-printable): C0 controls but tab, LF and CR; DEL;
// C1 controls but NEL; lone surrogates; U+FFFE and U+FFFF. PyYAML, and so Ansible, refuses them too.
const UNPRINTABLE =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Characters YAML does not allow, one problem per line (at most MAX_REPORTED), before any parsing. */
export function findUnprintableCharacters(text: string): OffsetProblem[] {
  const problems: OffsetProblem[] = [];
  let lastLineStart = -1;
  for (const m of text.matchAll(UNPRINTABLE)) {
    const lineStart = text.lastIndexOf('\n', m.index) + 1;
    if (lineStart === lastLineStart) continue;
    lastLineStart = lineStart;
    const code = m[0].charCodeAt(0);
    const hex = code.toString(16).toUpperCase().padStart(4, '0');
    const what = code >= 0xd800 && code <= 0xdfff ? `an unpaired surrogate (U+${hex})` : `the control character U+${hex}`;
    problems.push({
      offset: m.index,
      message: `${what} is not allowed in YAML${code === 0 ? ' (is this a binary file?)' : ''}; remove it or write it as an escape in a double-quoted string`,
    });
    if (problems.length === MAX_REPORTED) break;
  }
  return problems;
}

/** The first invalid UTF-8 sequence of a file's bytes, at its offset in the decoded text (where the decoder put a U+FFFD). */
export function findInvalidUtf8(bytes: Buffer): OffsetProblem | undefined {
  const at = findInvalidUtf8Byte(bytes);
  if (at === undefined) return undefined;
  const byte = bytes[at].toString(16).toUpperCase().padStart(2, '0');
  return {
    offset: bytes.subarray(0, at).toString('utf8').length,
    message: `invalid UTF-8 (byte 0x${byte}); tpx reads files as UTF-8: is this a binary file, or saved in another encoding?`,
  };
}

/** The byte offset of the first invalid UTF-8 sequence, or undefined when there is none. */
function findInvalidUtf8Byte(bytes: Uint8Array): number | undefined {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    for (let k = 1; k < length; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    // Overlong forms, surrogates and code points past U+10FFFF.
    const b1 = bytes[i + 1];
    if ((b === 0xe0 && b1 < 0xa0) || (b === 0xed && b1 > 0x9f) || (b === 0xf0 && b1 < 0x90) || (b === 0xf4 && b1 > 0x8f)) return i;
    i += length;
  }
  return undefined;
}
