/**
 * A small line diff (Myers' O(ND) algorithm) and its unified rendering, for --diff.
 * Large or very different inputs fall back to "remove all, add all" so time and memory stay bounded.
 */

type Op = ' ' | '-' | '+';

interface Edit {
  readonly op: Op;
  readonly line: string;
}

/** Beyond this many differences the diff is shown as a whole replacement. */
const MAX_EDIT_DISTANCE = 2000;

/** Lines with their newline kept, so a missing final newline is a difference too. */
function splitLines(text: string): string[] {
  if (text === '') return [];
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** The edit script turning `a` into `b`, equal lines included. */
export function diffLines(a: readonly string[], b: readonly string[]): Edit[] {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice(off - d - 1, off + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) return backtrack(a, b, trace);
    }
  }
  return [...a.map((line) => ({ op: '-' as const, line })), ...b.map((line) => ({ op: '+' as const, line }))];
}

function backtrack(a: readonly string[], b: readonly string[], trace: readonly Int32Array[]): Edit[] {
  const edits: Edit[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = trace[d];
    const at = (k: number): number => v[k + d + 1];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      edits.push({ op: ' ', line: a[x] });
    }
    if (d > 0) {
      if (x === prevX) edits.push({ op: '+', line: b[prevY] });
      else edits.push({ op: '-', line: a[prevX] });
    }
    x = prevX;
    y = prevY;
  }
  return edits.reverse();
}

export interface UnifiedDiffOptions {
  readonly fromLabel: string;
  readonly toLabel: string;
  /** Lines of context around each change; default 3. */
  readonly context?: number;
}

/** A unified diff of two texts, or '' when they are equal. */
export function unifiedDiff(before: string, after: string, opts: UnifiedDiffOptions): string {
  if (before === after) return '';
  const edits = diffLines(splitLines(before), splitLines(after));
  const ctx = opts.context ?? 3;
  const out = [`--- ${opts.fromLabel}\n`, `+++ ${opts.toLabel}\n`];
  const posA: number[] = [];
  const posB: number[] = [];
  let pa = 0;
  let pb = 0;
  for (const e of edits) {
    posA.push(pa);
    posB.push(pb);
    if (e.op !== '+') pa++;
    if (e.op !== '-') pb++;
  }
  let i = 0;
  while (i < edits.length) {
    while (i < edits.length && edits[i].op === ' ') i++;
    if (i >= edits.length) break;
    const start = Math.max(0, i - ctx);
    let end = i;
    // Extend the hunk while the next change is within 2 × context lines.
    for (let j = i; j < edits.length; j++) {
      if (edits[j].op !== ' ') end = j;
      else if (j - end > 2 * ctx) break;
    }
    const stop = Math.min(edits.length, end + ctx + 1);
    const hunk = edits.slice(start, stop);
    const lenA = hunk.filter((e) => e.op !== '+').length;
    const lenB = hunk.filter((e) => e.op !== '-').length;
    out.push(`@@ -${range(posA[start], lenA)} +${range(posB[start], lenB)} @@\n`);
    for (const e of hunk) {
      out.push(e.op + e.line);
      if (!e.line.endsWith('\n')) out.push('\n\\ No newline at end of file\n');
    }
    i = stop;
  }
  return out.join('');
}

function range(start: number, len: number): string {
  const first = len === 0 ? start : start + 1;
  return len === 1 ? `${first}` : `${first},${len}`;
}
