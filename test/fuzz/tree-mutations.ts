import { parse, stringify } from 'yaml';
import type { Rng } from './prng.js';

type Container = Record<string, unknown> | unknown[];

/** A place in the parsed tree: the container and the key (or index) of the value. */
interface Slot {
  readonly parent: Container;
  readonly key: string | number;
}

/** Values of the wrong type, out of range, or that look like other types. */
const WEIRD_VALUES: readonly unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  -0,
  1e308,
  -1e308,
  2 ** 53 + 1,
  1e-320,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  '',
  ' ',
  'NaN',
  '.nan',
  '.inf',
  '-.inf',
  'Infinity',
  'null',
  '~',
  'yes',
  'no',
  'on',
  'off',
  '0x1F',
  '0o17',
  '0b101',
  '1_000',
  '1e3',
  '2001-12-14',
  '0644',
  '08',
  '1:30',
  '99999999999999999999999',
  '-',
  '*',
  '&',
  '!',
  '{}',
  '[]',
  '%',
  '@x',
  '\u0000',
  '\t',
  [],
  {},
  [null],
  [[]],
  [{}],
  { '': null },
  { x: [] },
  'x'.repeat(5000),
  ['a', 1, null, true, { k: 'v' }],
];
const STRANGE_KEYS = [
  '',
  ' ',
  'with_items',
  'block',
  'rescue',
  'always',
  'include_tasks',
  'hosts',
  'tasks',
  'vars',
  'name',
  'shell',
  'command',
  'copy',
  'debug',
  'args',
  'when',
  'loop',
  'notify',
  'listen',
  'children',
  '<<',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'ansible.builtin.shell',
  'ansible.builtin.nope',
  'shel',
  'hsots',
  'x'.repeat(300),
  '1',
  'null',
  'true',
  'a\nb',
  'ключ',
  '🔥',
  'a:b',
  '- x',
  '{{ x }}',
];
const TEMPLATE_GARBAGE = [
  '{{',
  '}}',
  '{{ }}',
  '{{ x | }}',
  '{{ x | nofilter }}',
  '{% if %}',
  '{{ (1 }}',
  '{{ x is nosuchtest }}',
  "{{ 'a }}",
  '{{ x[ }}',
  '{{ x.. }}',
  '{# x',
  '{{ a b }}',
  '{% endfor %}',
  '{{ x | default( }}',
  '{{ x }}{{',
  '{{ ' + '('.repeat(300) + ' }}',
  '{{ ' + 'not '.repeat(2000) + 'x }}',
  '{{ ' + '-'.repeat(3000) + '1 }}',
  '{{ x' + '|d'.repeat(2000) + ' }}',
  '{{ ' + '[1, '.repeat(400) + ' }}',
];
const EXPRESSION_GARBAGE = [
  '',
  ' ',
  '(',
  ')',
  'x ==',
  '== x',
  'x | nofilter',
  'x is nosuchtest',
  '{{ x }}',
  '1 +',
  'a b c',
  'x[',
  '"unclosed',
  'not',
  'x if',
  '((((((((((x',
  'x.1.2.',
  'lambda: 1',
  '{% if %}',
  '('.repeat(5000) + 'x' + ')'.repeat(5000),
  'not '.repeat(5000) + 'x',
  '- '.repeat(5000) + '1',
  'a if b else '.repeat(2000) + 'c',
  '['.repeat(3000),
  'x' + '.y'.repeat(5000),
  '1' + ' + 1'.repeat(5000),
];
const EXPRESSION_KEYS = ['when', 'until', 'changed_when', 'failed_when'];

function isContainer(v: unknown): v is Container {
  return v !== null && typeof v === 'object';
}

/** Every slot of the tree, breadth first (iterative: seed trees are shallow, mutated ones need not be). */
function collectSlots(root: unknown): Slot[] {
  const slots: Slot[] = [];
  const queue: unknown[] = [root];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i];
    if (!isContainer(node)) continue;
    const keys: (string | number)[] = Array.isArray(node) ? node.map((_, j) => j) : Object.keys(node);
    for (const key of keys) {
      slots.push({ parent: node, key });
      queue.push((node as Record<string | number, unknown>)[key]);
    }
  }
  return slots;
}

const get = (s: Slot): unknown => (s.parent as Record<string | number, unknown>)[s.key];
const set = (s: Slot, v: unknown): void => {
  (s.parent as Record<string | number, unknown>)[s.key] = v;
};

function deepValue(rng: Rng): unknown {
  const depth = rng.pick([20, 60, 150, 250]);
  let v: unknown = rng.pick(['leaf', 1, null, '{{ x }}']);
  for (let i = 0; i < depth; i++) v = rng.chance(0.5) ? [v] : { k: v };
  return v;
}

function mappings(slots: Slot[], root: unknown): Record<string, unknown>[] {
  const out = slots.map(get).filter((v): v is Record<string, unknown> => isContainer(v) && !Array.isArray(v));
  if (isContainer(root) && !Array.isArray(root)) out.push(root);
  return out;
}

/** A mutation of the parsed tree. Returns the (possibly replaced) root. */
interface TreeMutation {
  readonly name: string;
  apply(rng: Rng, root: unknown, slots: Slot[]): unknown;
}

const TREE_MUTATIONS: readonly TreeMutation[] = [
  {
    name: 'type-swap',
    apply: (rng, root, slots) => {
      if (!slots.length) return rng.pick(WEIRD_VALUES);
      set(rng.pick(slots), structuredClone(rng.pick(WEIRD_VALUES)));
      return root;
    },
  },
  {
    name: 'delete',
    apply: (rng, root, slots) => {
      if (!slots.length) return root;
      const s = rng.pick(slots);
      if (Array.isArray(s.parent)) s.parent.splice(Number(s.key), 1);
      else delete s.parent[s.key as string];
      return root;
    },
  },
  {
    name: 'unknown-key',
    apply: (rng, root, slots) => {
      const maps = mappings(slots, root);
      if (maps.length)
        Object.defineProperty(rng.pick(maps), rng.pick(STRANGE_KEYS), {
          value: structuredClone(rng.pick(WEIRD_VALUES)),
          enumerable: true,
          configurable: true,
          writable: true,
        });
      return root;
    },
  },
  {
    name: 'empty-collection',
    apply: (rng, root, slots) => {
      const c = slots.filter((s) => isContainer(get(s)));
      if (c.length) set(rng.pick(c), rng.chance(0.5) ? [] : {});
      return root;
    },
  },
  {
    name: 'null-everywhere',
    apply: (rng, root, slots) => {
      const p = rng.pick([0.2, 0.6, 1]);
      for (const s of slots) if (!isContainer(get(s)) && rng.chance(p)) set(s, null);
      return root;
    },
  },
  {
    name: 'template-garbage-everywhere',
    apply: (rng, root, slots) => {
      const p = rng.pick([0.1, 0.5, 1]);
      for (const s of slots)
        if (typeof get(s) === 'string' && rng.chance(p))
          set(s, rng.chance(0.5) ? rng.pick(TEMPLATE_GARBAGE) : `${get(s) as string} ${rng.pick(TEMPLATE_GARBAGE)}`);
      return root;
    },
  },
  {
    name: 'expression-garbage',
    apply: (rng, root, slots) => {
      const tasks = mappings(slots, root).filter((m) => Object.keys(m).some((k) => !['hosts', 'vars', 'children'].includes(k)));
      for (let i = rng.between(1, 3); i > 0 && tasks.length; i--) {
        const expr = rng.pick(EXPRESSION_GARBAGE);
        rng.pick(tasks)[rng.pick(EXPRESSION_KEYS)] = rng.chance(0.3) ? [expr, rng.pick(EXPRESSION_GARBAGE)] : expr;
      }
      return root;
    },
  },
  {
    name: 'wrap-in-list',
    apply: (rng, root, slots) => {
      if (slots.length) {
        const s = rng.pick(slots);
        set(s, [get(s)]);
      }
      return root;
    },
  },
  {
    name: 'unwrap-list',
    apply: (rng, root, slots) => {
      const l = slots.filter((s) => Array.isArray(get(s)));
      if (l.length) {
        const s = rng.pick(l);
        set(s, (get(s) as unknown[])[0] ?? null);
      }
      return Array.isArray(root) && rng.chance(0.1) ? root[0] : root;
    },
  },
  {
    name: 'deep-value',
    apply: (rng, root, slots) => {
      if (!slots.length) return deepValue(rng);
      set(rng.pick(slots), deepValue(rng));
      return root;
    },
  },
  {
    name: 'huge-number',
    apply: (rng, root, slots) => {
      const n = slots.filter((s) => typeof get(s) === 'number' || typeof get(s) === 'string');
      if (n.length)
        set(rng.pick(n), rng.pick([1e308, -1e308, 2 ** 64, 2 ** 53 + 1, -(2 ** 31), 65536, 65535, 0, -0.5, 1e21, Number.MAX_VALUE, Number.MIN_VALUE]));
      return root;
    },
  },
  {
    name: 'long-list',
    apply: (rng, root, slots) => {
      if (slots.length)
        set(
          rng.pick(slots),
          Array.from({ length: rng.pick([30, 200, 1000]) }, (_, i) => (rng.chance(0.5) ? i : { [`k${i}`]: i })),
        );
      return root;
    },
  },
  {
    name: 'share-subtree',
    // Stringifying a shared object writes an &anchor and *aliases.
    apply: (rng, root, slots) => {
      const c = slots.filter((s) => isContainer(get(s)));
      for (let i = rng.between(1, 5); i > 0 && c.length; i--) {
        const shared = get(rng.pick(c)) as Container;
        const target = rng.pick(slots);
        // Never inside the shared subtree itself: that would be a cycle, which no YAML text makes.
        if (!collectSlots(shared).some((s) => s.parent === target.parent) && target.parent !== shared) set(target, shared);
      }
      return root;
    },
  },
];

const parsedSeeds = new Map<string, { value: unknown } | null>();

/** The seed files are few and parsed once; each case mutates its own copy. */
function parseOnce(text: string): { value: unknown } | null {
  let parsed = parsedSeeds.get(text);
  if (parsed === undefined) {
    try {
      parsed = { value: parse(text, { merge: true }) };
    } catch {
      parsed = null;
    }
    parsedSeeds.set(text, parsed);
  }
  return parsed;
}

/** Stringifies the mutated tree in one of the ways people (and tools) write YAML. */
function write(rng: Rng, value: unknown): string {
  const how = rng.int(6);
  try {
    if (how === 0) return JSON.stringify(value, null, rng.pick([0, 2])) ?? 'null';
    if (how === 1) return stringify(value, { collectionStyle: 'flow', aliasDuplicateObjects: rng.chance(0.5) });
    return stringify(value, {
      lineWidth: rng.pick([0, 40, 80]),
      indent: rng.pick([2, 2, 4, 1]),
      indentSeq: rng.chance(0.5),
      aliasDuplicateObjects: rng.chance(0.8),
    });
  } catch {
    // A value the writer cannot express (it happens with exotic keys): JSON it is.
    return JSON.stringify(value) ?? 'null';
  }
}

/** Parses `text`, applies 1–3 tree mutations and writes it back; null when the text is not YAML. */
export function mutateTree(rng: Rng, text: string): { text: string; steps: string[] } | null {
  const parsed = parseOnce(text);
  if (parsed === null) return null;
  let root: unknown = structuredClone(parsed.value);
  const steps: string[] = [];
  for (let i = rng.between(1, 3); i > 0; i--) {
    const m = rng.pick(TREE_MUTATIONS);
    root = m.apply(rng, root, collectSlots(root));
    steps.push(m.name);
  }
  return { text: write(rng, root), steps };
}
