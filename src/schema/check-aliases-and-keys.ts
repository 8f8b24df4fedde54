import { isAlias, isMap, isPair, isScalar, isSeq, Scalar, type Alias, type Document, type Node } from 'yaml';

/** More *aliases than this in one file are refused (resolving them costs the `yaml` library quadratic time). */
export const MAX_ALIASES = 1000;
/** The most nodes aliases (and merge keys) may add to a document when expanded: more is an alias bomb. */
export const MAX_ALIAS_EXPANSION = 100_000;

/** A problem at a character offset of the file. */
export interface OffsetProblem {
  readonly offset: number;
  readonly message: string;
}

interface Frame {
  readonly node: Node;
  readonly children: readonly unknown[];
  next: number;
  size: number;
}

/**
 * What the composer lets through but turning the document into plain values would trip
 * over or make a mess of, found in one iterative walk in document order: an alias of an
 * anchor not defined before it, an alias inside the node it names (a cycle), aliases that
 * expand to a huge document, too many aliases, a merge key (`<<`) of something other than
 * mappings, a list or mapping used as a mapping key, and a key set twice in one mapping.
 */
export function checkAliasesAndKeys(doc: Document, lineOf: (offset: number) => number): OffsetProblem[] {
  const problems: OffsetProblem[] = [];
  const root = doc.contents as Node | null;
  if (!root) return problems;
  const anchors = new Map<string, Node>();
  const sizes = new Map<Node, number>();
  const onPath = new Set<Node>();
  let aliases = 0;
  let expansion = 0;
  let bombReported = false;

  const stack: Frame[] = [];
  const enter = (node: Node): void => {
    if (node.anchor) anchors.set(node.anchor, node);
    onPath.add(node);
    stack.push({ node, children: childrenOf(node, anchors, lineOf, problems), next: 0, size: 1 });
  };
  const visitAlias = (alias: Alias): number => {
    const at = alias.range?.[0] ?? 0;
    if (++aliases === MAX_ALIASES + 1) problems.push({ offset: at, message: `refused: more than ${MAX_ALIASES} aliases (*name) in one file` });
    const target = anchors.get(alias.source);
    if (!target) {
      problems.push({ offset: at, message: `undefined alias *${alias.source}; an &anchor must be defined before its *alias` });
      return 1;
    }
    if (onPath.has(target)) {
      problems.push({
        offset: at,
        message: `recursive alias *${alias.source}: it is inside the node &${alias.source} names, which would make an endless document`,
      });
      return 1;
    }
    const size = sizes.get(target) ?? 1;
    expansion += size;
    if (expansion > MAX_ALIAS_EXPANSION && !bombReported) {
      bombReported = true;
      problems.push({
        offset: at,
        message: `refused: with this alias, the aliases (*name) in this file expand to more than ${MAX_ALIAS_EXPANSION} values; this looks like an alias bomb`,
      });
    }
    return size;
  };

  enter(root);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    if (frame.next < frame.children.length) {
      const child = frame.children[frame.next++];
      if (isAlias(child)) frame.size += visitAlias(child);
      else if (child && typeof child === 'object' && (isMap(child) || isSeq(child) || isScalar(child))) enter(child);
      continue;
    }
    stack.pop();
    onPath.delete(frame.node);
    if (frame.node.anchor) sizes.set(frame.node, frame.size);
    if (stack.length > 0) stack[stack.length - 1].size += frame.size;
  }
  return problems;
}

/** The nodes inside a collection, in document order; checks its keys and merge values on the way. */
function childrenOf(node: Node, anchors: ReadonlyMap<string, Node>, lineOf: (offset: number) => number, problems: OffsetProblem[]): unknown[] {
  if (isSeq(node)) return node.items.flatMap((item) => (isPair(item) ? [item.key, item.value] : [item]));
  if (!isMap(node)) return [];
  const out: unknown[] = [];
  // Duplicate keys are found here, in linear time: `yaml`'s own check (uniqueKeys) is
  // quadratic in the size of a mapping, minutes for an inventory group of 40,000 hosts.
  const seen = new Map<string, number>();
  for (const pair of node.items) {
    const key = pair.key as Node | null;
    if (isScalar(key) && !isMergeKey(key) && key.range) {
      // The name the key gets in the loaded object (1 and "1" are the same key there).
      const name = key.value === null || key.value === undefined ? '' : String(key.value);
      const first = seen.get(name);
      if (first === undefined) seen.set(name, key.range[0]);
      else
        problems.push({
          offset: key.range[0],
          message: `duplicate key "${name}" (first set on line ${lineOf(first)}); a key may appear only once in a mapping`,
        });
    }
    if (isMap(key) || isSeq(key)) {
      problems.push({ offset: key.range?.[0] ?? 0, message: 'a mapping key must be a plain value (a name or a number), not a list or a mapping' });
    } else if (isMergeKey(key)) {
      checkMergeValue(pair.value as Node | null, key as Node, anchors, problems);
    }
    out.push(key, pair.value);
  }
  return out;
}

function isMergeKey(key: Node | null): boolean {
  return isScalar(key) && (key.type === Scalar.PLAIN || key.type === undefined) && typeof key.value === 'symbol';
}

/** `<<` takes a mapping, an alias of one, or a list of those (an alias of an anchor defined later is left to the alias check). */
function checkMergeValue(value: Node | null, key: Node, anchors: ReadonlyMap<string, Node>, problems: OffsetProblem[]): void {
  const ok = (v: unknown): boolean => isMap(v) || (isAlias(v) && (!anchors.has(v.source) || isMap(anchors.get(v.source))));
  if (ok(value) || (isSeq(value) && value.items.every(ok))) return;
  const bad = isSeq(value) ? (value.items.find((v) => !ok(v)) as Node) : value;
  problems.push({ offset: bad?.range?.[0] ?? key.range?.[0] ?? 0, message: 'a merge key (<<) takes a mapping, an alias of one (*name), or a list of them' });
}
