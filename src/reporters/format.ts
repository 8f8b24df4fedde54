import { escapeControl } from './escape-control.js';

/** Durations as people read them: `0.21s`, `12.40s`, `2m05s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '0.00s';
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)}s`;
  const totalSeconds = Math.round(ms / 1000);
  const m = Math.floor(totalSeconds / 60);
  const s = totalSeconds % 60;
  return `${m}m${String(s).padStart(2, '0')}s`;
}

/** The last `n` non-empty lines of a text, for failure messages. */
export function tailLines(text: string | undefined, n: number): string[] {
  if (!text) return [];
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  return lines.slice(-n);
}

/** One line of text: newlines and tabs become spaces, other control characters are shown escaped. */
export function toOneLine(text: string): string {
  return escapeControl(text.replace(/[\r\n\t]+/g, ' ')).trim();
}

/** At most `width` characters, an ellipsis marking a cut. */
export function truncate(text: string, width: number): string {
  if (width <= 1 || text.length <= width) return text;
  return text.slice(0, width - 1) + '…';
}
