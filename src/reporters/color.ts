import type { OutputStream } from './reporter.js';

/** The few styles tpx output uses. */
export type Style = 'red' | 'green' | 'yellow' | 'cyan' | 'magenta' | 'dim' | 'bold';

const codes: Record<Style, [number, number]> = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  magenta: [35, 39],
  dim: [2, 22],
  bold: [1, 22],
};

/** A function that styles text, or leaves it alone when colour is off. */
export type Paint = (style: Style, text: string) => string;

/** Colour only on a terminal, and never when NO_COLOR is set to a non-empty value (no-color.org). */
export function shouldUseColor(stream: OutputStream, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}

/** Returns a painter that applies ANSI styles when `enabled`. */
export function createPaint(enabled: boolean): Paint {
  if (!enabled) return (_style, text) => text;
  return (style, text) => `\u001b[${codes[style][0]}m${text}\u001b[${codes[style][1]}m`;
}
