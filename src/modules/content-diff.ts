import type { PathState } from './path-state.js';
import { unifiedDiff } from './unified-diff.js';

/** True for content shown as text: valid UTF-8 without NUL bytes. */
export function isText(data: Buffer): boolean {
  if (data.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(data);
    return true;
  } catch {
    return false;
  }
}

/**
 * The --diff of a file's content: a unified diff of the old text (read by the fact, when the
 * file was small enough) and the new one, or a one-line note when either is binary or large.
 */
export function contentDiff(path: string, state: PathState, next: Buffer, maxBytes: number): string {
  const labels = { fromLabel: `before: ${path}`, toLabel: `after: ${path}` };
  const oldKnown = state.type !== 'file' || (state.size !== undefined && state.size <= maxBytes);
  const oldText = state.type === 'file' ? state.payload : '';
  const oldIsText = !oldText.includes('\0') && !oldText.includes('\uFFFD');
  if (!oldKnown || !oldIsText || next.length > maxBytes || !isText(next)) {
    return `--- before: ${path}\n+++ after: ${path}\nBinary or large content differs (sha256 ${state.sha256 ?? 'none'} → new)\n`;
  }
  return unifiedDiff(oldText, next.toString('utf8'), labels);
}
