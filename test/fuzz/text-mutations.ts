import type { Rng } from './prng.js';

/** A mutation of a file's text. */
export interface TextMutation {
  readonly name: string;
  apply(rng: Rng, text: string): string;
}

/** Characters and fragments that mean something to YAML (or to templates). */
const SYNTAX = [
  ':',
  ': ',
  '- ',
  '-',
  '[',
  ']',
  '{',
  '}',
  ',',
  '#',
  ' #',
  '&a ',
  '*a',
  '!',
  '!!str ',
  '!!binary ',
  '!x ',
  '|',
  '>',
  '|-',
  '>+2',
  "'",
  '"',
  '%',
  '@',
  '`',
  '?',
  '? ',
  '<<: ',
  '---\n',
  '...\n',
  '\n',
  '\n\n',
  ' ',
  '\\',
  '{{',
  '}}',
  '{%',
  '%}',
  '{#',
  '\t',
  '\r',
  '\0',
  '\uFEFF',
  '\u2028',
  '\u0085',
  '\x1b[31m',
  '\uD800',
  '\uFFFD',
  '&',
  '*',
  '=',
  '%YAML 1.1\n',
  '%TAG ! tag:x,2000:\n',
];
const TEMPLATE_GARBAGE = [
  '{{',
  '}}',
  '{{ }}',
  '{{ x | }}',
  '{{ x | nofilter }}',
  '{% if %}',
  '{% for %}',
  '{{ (1 }}',
  '{{ x is nosuchtest }}',
  '{{ "unclosed }}',
  '{{ x[ }}',
  '{{ x.. }}',
  '{# open',
  '{{ a b c }}',
  '{%- endfor %}',
  '{{ lookup("pipe", "id") }}',
  '{{ {{ }} }}',
  '{{ x | default( }}',
];

function randomIndex(rng: Rng, text: string): number {
  return rng.int(text.length + 1);
}

/** Where lines start, for line-level mutations. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function randomChar(rng: Rng): string {
  const kind = rng.int(4);
  if (kind === 0) return String.fromCharCode(rng.int(32)); // control
  if (kind === 1) return String.fromCharCode(32 + rng.int(95)); // printable ASCII
  if (kind === 2) return String.fromCharCode(0x80 + rng.int(0x780)); // Latin, Greek, Cyrillic...
  return String.fromCharCode(rng.int(0x10000)); // anything, lone surrogates included
}

const replaceAt = (text: string, at: number, length: number, insert: string): string => text.slice(0, at) + insert + text.slice(at + length);

export const TEXT_MUTATIONS: readonly TextMutation[] = [
  { name: 'flip-char', apply: (rng, t) => (t.length === 0 ? randomChar(rng) : replaceAt(t, rng.int(t.length), 1, randomChar(rng))) },
  {
    name: 'flip-bit',
    apply: (rng, t) => {
      if (t.length === 0) return t;
      const at = rng.int(t.length);
      return replaceAt(t, at, 1, String.fromCharCode(t.charCodeAt(at) ^ (1 << rng.int(8))));
    },
  },
  { name: 'delete-span', apply: (rng, t) => replaceAt(t, randomIndex(rng, t), rng.between(1, 40), '') },
  { name: 'insert-syntax', apply: (rng, t) => replaceAt(t, randomIndex(rng, t), 0, rng.pick(SYNTAX)) },
  { name: 'replace-with-syntax', apply: (rng, t) => replaceAt(t, randomIndex(rng, t), rng.between(1, 3), rng.pick(SYNTAX)) },
  { name: 'insert-template-garbage', apply: (rng, t) => replaceAt(t, randomIndex(rng, t), 0, rng.pick(TEMPLATE_GARBAGE)) },
  { name: 'truncate', apply: (rng, t) => t.slice(0, randomIndex(rng, t)) },
  {
    name: 'duplicate-line',
    apply: (rng, t) => {
      const lines = t.split('\n');
      const i = rng.int(lines.length);
      lines.splice(rng.int(lines.length + 1), 0, lines[i]);
      return lines.join('\n');
    },
  },
  {
    name: 'move-line',
    apply: (rng, t) => {
      const lines = t.split('\n');
      const [line] = lines.splice(rng.int(lines.length), 1);
      lines.splice(rng.int(lines.length + 1), 0, line);
      return lines.join('\n');
    },
  },
  {
    name: 'indent-change',
    apply: (rng, t) => {
      const starts = lineStarts(t);
      const at = rng.pick(starts);
      const indent = /^ */.exec(t.slice(at))![0].length;
      const delta = rng.pick([-4, -2, -1, 1, 2, 3, 8]);
      return delta > 0 ? replaceAt(t, at, 0, ' '.repeat(delta)) : replaceAt(t, at, Math.min(indent, -delta), '');
    },
  },
  {
    name: 'tab-indent',
    apply: (rng, t) => {
      const at = rng.pick(lineStarts(t));
      const indent = /^ */.exec(t.slice(at))![0].length;
      return replaceAt(t, at, Math.min(indent, rng.between(1, 4)), '\t');
    },
  },
  {
    name: 'crlf',
    apply: (rng, t) => (rng.chance(0.5) ? t.replace(/\n/g, '\r\n') : t.replace(/\n/g, () => (rng.chance(0.3) ? '\r\n' : rng.chance(0.1) ? '\r' : '\n'))),
  },
  { name: 'bom', apply: (rng, t) => (rng.chance(0.8) ? '\uFEFF' + t : replaceAt(t, randomIndex(rng, t), 0, '\uFEFF')) },
  { name: 'nul', apply: (rng, t) => replaceAt(t, randomIndex(rng, t), 0, '\0'.repeat(rng.between(1, 3))) },
  {
    name: 'invalid-utf8',
    // What a decoder makes of bytes that are not UTF-8: replacement characters and lone surrogates.
    apply: (rng, t) =>
      replaceAt(
        t,
        randomIndex(rng, t),
        0,
        Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80].slice(rng.int(5))).toString('utf8') + (rng.chance(0.3) ? '\uDC00' : ''),
      ),
  },
  {
    name: 'long-line',
    apply: (rng, t) =>
      replaceAt(
        t,
        randomIndex(rng, t),
        0,
        rng.pick(['x', 'ab ', '{', '[', '- ', ': ', '"']).repeat(rng.chance(0.9) ? rng.between(100, 5000) : rng.between(5000, 200_000)),
      ),
  },
  {
    name: 'binary-splice',
    apply: (rng, t) => {
      const bytes = Buffer.alloc(rng.between(1, 200));
      for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
      return replaceAt(t, randomIndex(rng, t), 0, bytes.toString(rng.chance(0.5) ? 'utf8' : 'latin1'));
    },
  },
  {
    name: 'repeat-span',
    apply: (rng, t) => {
      const at = randomIndex(rng, t);
      const span = t.slice(at, at + rng.between(1, 80));
      return replaceAt(t, at, 0, span.repeat(rng.between(2, 50)));
    },
  },
];

/** Applies 1–`max` random text mutations; returns the text and the names applied. */
export function mutateText(rng: Rng, text: string, max = 4): { text: string; steps: string[] } {
  const steps: string[] = [];
  let out = text;
  for (let i = rng.between(1, max); i > 0; i--) {
    const m = rng.pick(TEXT_MUTATIONS);
    out = m.apply(rng, out);
    steps.push(m.name);
  }
  return { text: out, steps };
}
