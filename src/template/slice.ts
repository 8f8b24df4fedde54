/**
 * Python's subscript slices in templates — `xs[:2]`, `s[1:]`, `xs[::-1]`, `xs[-2:]` — which
 * nunjucks does not parse: the AST node the parser (parser.ts) builds for them and the
 * runtime function compiled templates call (`env.tpx.slice`).
 */
import { nj, type NjNode } from './nunjucks-internals.js';
import { describeType } from './python-values.js';
import { TemplateValueError } from './value-error.js';

type NodeClassWithExtend = typeof nj.nodes.Node & { extend(name: string, props: object): typeof nj.nodes.Node };

/** `target[start:stop:step]`; absent parts are null. */
export const SliceNode = (nj.nodes.Node as unknown as NodeClassWithExtend).extend('Slice', {
  fields: ['target', 'start', 'stop', 'step'],
}) as unknown as new (
  lineno: number,
  colno: number,
  target: NjNode,
  start: NjNode | null,
  stop: NjNode | null,
  step: NjNode | null,
) => NjNode;

/** `seq[start:stop:step]` with Python's rules, for lists and strings (by code point). */
export function pySlice(seq: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  const s = sliceIndex(step, 'step') ?? 1;
  if (s === 0) throw new TemplateValueError('slice step cannot be zero');
  if (typeof seq === 'string') return (pySliceItems(Array.from(seq), start, stop, s) as string[]).join('');
  if (Array.isArray(seq)) return pySliceItems(seq, start, stop, s);
  throw new TemplateValueError(`cannot slice a ${describeType(seq)} (only lists and strings)`);
}

function pySliceItems(items: readonly unknown[], start: unknown, stop: unknown, step: number): unknown[] {
  const n = items.length;
  const clamp = (value: number | undefined, fallback: number, low: number, high: number): number => {
    if (value === undefined) return fallback;
    const v = value < 0 ? value + n : value;
    return Math.min(Math.max(v, low), high);
  };
  const out: unknown[] = [];
  if (step > 0) {
    const from = clamp(sliceIndex(start, 'start'), 0, 0, n);
    const to = clamp(sliceIndex(stop, 'stop'), n, 0, n);
    for (let i = from; i < to; i += step) out.push(items[i]);
  } else {
    const from = clamp(sliceIndex(start, 'start'), n - 1, -1, n - 1);
    const to = clamp(sliceIndex(stop, 'stop'), -1, -1, n - 1);
    for (let i = from; i > to; i += step) out.push(items[i]);
  }
  return out;
}

/** A slice bound: an integer (booleans count, as in Python), or None/absent. */
function sliceIndex(value: unknown, what: string): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'boolean') return Number(value);
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw new TemplateValueError(`slice ${what} must be an integer or None, got ${describeType(value)}`);
}
