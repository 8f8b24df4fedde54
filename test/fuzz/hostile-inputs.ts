import type { InputKind } from './corpus.js';
import type { Rng } from './prng.js';

/** A generator of hostile input: deep nesting, alias bombs, huge strings, garbage. */
interface HostileInput {
  readonly name: string;
  /** Relative cost, to keep the expensive ones rare. */
  readonly weight: number;
  make(rng: Rng, kind: InputKind): string;
}

/** Wraps a value so it lands where the loader looks: in a play's vars, or in a group's vars. */
function embed(kind: InputKind, value: string, rng: Rng): string {
  if (rng.chance(0.3)) return value;
  return kind === 'playbook'
    ? `- hosts: all\n  vars:\n    x: ${value}\n  tasks:\n    - debug: {msg: hi}\n`
    : `all:\n  vars:\n    x: ${value}\n  hosts:\n    h1:\n`;
}

function laughs(rng: Rng, width: number, levels: number, flow: boolean): string {
  const lines = [`a0: &a0 ${flow ? '[lol]' : '"lol"'}`];
  for (let i = 1; i <= levels; i++) {
    const refs = Array.from({ length: width }, () => `*a${i - 1}`);
    lines.push(flow ? `a${i}: &a${i} [${refs.join(', ')}]` : `a${i}: &a${i}\n${refs.map((r) => `  - ${r}`).join('\n')}`);
  }
  return rng.chance(0.5)
    ? lines.join('\n') + '\n'
    : `- hosts: all\n  vars:\n${lines.map((l) => `    ${l.replace(/\n/g, '\n    ')}`).join('\n')}\n  tasks: []\n`;
}

export const HOSTILE_INPUTS: readonly HostileInput[] = [
  {
    name: 'deep-flow-seq',
    weight: 3,
    make: (rng, k) => embed(k, '['.repeat(rng.pick([300, 1000, 10_000])) + (rng.chance(0.5) ? ']'.repeat(rng.pick([300, 1000, 10_000])) : ''), rng),
  },
  { name: 'deep-flow-map', weight: 3, make: (rng, k) => embed(k, '{a: '.repeat(rng.pick([300, 1000, 10_000])) + '1' + '}'.repeat(rng.int(10_000)), rng) },
  { name: 'deep-dash-line', weight: 3, make: (rng) => '- '.repeat(rng.pick([300, 1000, 10_000])) + 'x\n' },
  { name: 'deep-dash-block', weight: 2, make: (rng) => Array.from({ length: rng.pick([300, 3000]) }, (_, i) => `${' '.repeat(i)}-`).join('\n') + ' x\n' },
  { name: 'deep-block-map', weight: 2, make: (rng) => Array.from({ length: rng.pick([300, 2000]) }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' x\n' },
  { name: 'deep-explicit-keys', weight: 1, make: (rng) => '? '.repeat(rng.pick([300, 5000])) + 'x\n' },
  { name: 'alias-bomb', weight: 3, make: (rng) => laughs(rng, rng.pick([2, 9, 10]), rng.pick([3, 9, 20]), rng.chance(0.5)) },
  {
    name: 'merge-bomb',
    weight: 2,
    make: (rng) => {
      const lines = ['a0: &a0 {x0: 1}'];
      for (let i = 1; i < rng.pick([10, 20, 30]); i++)
        lines.push(`a${i}: &a${i} {<<: [${Array.from({ length: 5 }, () => `*a${i - 1}`).join(', ')}], x${i}: 1}`);
      return lines.join('\n') + '\n';
    },
  },
  {
    name: 'recursive-alias',
    weight: 2,
    make: (rng) =>
      rng.pick([
        '&a [*a]\n',
        '- &a\n  hosts: all\n  vars: {x: *a}\n  tasks: []\n',
        '- hosts: all\n  vars: &v\n    x: *v\n  tasks: []\n',
        'all: &g\n  children:\n    c: *g\n',
        '- hosts: all\n  tasks: &t\n    - block: *t\n',
      ]),
  },
  { name: 'undefined-alias', weight: 1, make: (rng) => rng.pick(['*a\n', '- *nope\n', 'all: {vars: {x: *y}}\n', '- hosts: all\n  tasks: *t\n']) },
  { name: 'huge-string', weight: 1, make: (rng, k) => embed(k, JSON.stringify('x'.repeat(rng.pick([100_000, 1_000_000, 3_000_000]))), rng) },
  { name: 'huge-template', weight: 1, make: (rng, k) => embed(k, JSON.stringify('{{ x }} '.repeat(rng.pick([10_000, 100_000]))), rng) },
  { name: 'huge-block-scalar', weight: 1, make: (rng, k) => embed(k, '|\n' + '      some shell line {{ x }}\n'.repeat(rng.pick([1000, 50_000])), rng) },
  { name: 'over-size-limit', weight: 1, make: () => 'x'.repeat(10 * 1024 * 1024 + 1) },
  { name: 'long-line', weight: 2, make: (rng) => rng.pick(['x', 'a: ', '- ', '#', ' ', '"']).repeat(rng.pick([10_000, 1_000_000])) },
  { name: 'many-keys', weight: 1, make: (rng) => Array.from({ length: rng.pick([1000, 20_000]) }, (_, i) => `k${rng.chance(0.99) ? i : 0}: ${i}`).join('\n') },
  { name: 'many-docs', weight: 1, make: (rng) => '---\n- hosts: all\n  tasks: []\n'.repeat(rng.pick([2, 1000])) },
  {
    name: 'many-errors',
    weight: 1,
    make: (rng) => '- hosts: all\n  tasks:\n' + '    - nosuchmodule: {a: 1}\n      when: "(("\n'.repeat(rng.pick([100, 3000])),
  },
  {
    name: 'binary-garbage',
    weight: 3,
    make: (rng) => {
      const bytes = Buffer.alloc(rng.pick([16, 500, 20_000]));
      for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
      return bytes.toString(rng.chance(0.5) ? 'utf8' : 'latin1');
    },
  },
  {
    name: 'only-bom-or-space',
    weight: 1,
    make: (rng) =>
      rng.pick([
        '',
        '\uFEFF',
        ' ',
        '\n\n',
        '\r\n',
        '\0',
        '#',
        '---',
        '...',
        '--- |',
        '%YAML 1.2\n---\n',
        '%YAML\n',
        '\uFEFF---\n',
        '~',
        'null',
        '[]',
        '{}',
        '- ',
        '-',
        '- -',
        '"',
        "'",
      ]),
  },
  { name: 'control-chars', weight: 1, make: (rng) => Array.from({ length: 200 }, () => String.fromCharCode(rng.int(32))).join('') },
  {
    name: 'deep-template',
    weight: 2,
    make: (rng) =>
      `- hosts: all\n  tasks:\n    - debug:\n        msg: "{{ ${rng.pick(['(', '[', '{', 'not ', '-', '(1 + ', 'x|d(', 'x ~ ']).repeat(rng.pick([200, 3000, 20_000]))}1 }}"\n`,
  },
  {
    name: 'deep-when',
    weight: 2,
    make: (rng) =>
      `- hosts: all\n  tasks:\n    - debug: {msg: hi}\n      when: "${rng.pick(['(', '[', 'not ', '- ', 'x if y else ', '1 + ', 'x|d|']).repeat(rng.pick([200, 3000, 20_000]))}1"\n`,
  },
  {
    name: 'deep-template-tags',
    weight: 1,
    make: (rng) =>
      `- hosts: all\n  tasks:\n    - copy:\n        dest: /x\n        content: "${'{% if x %}'.repeat(rng.pick([50, 200, 5000]))}y${'{% endif %}'.repeat(rng.pick([0, 50, 5000]))}"\n`,
  },
  {
    name: 'deep-inventory-children',
    weight: 1,
    make: (rng) => {
      const n = rng.pick([100, 500]);
      const lines = ['all:', '  children:'];
      for (let i = 0; i < n; i++) lines.push(`${' '.repeat(4 + i * 4)}g${i}:`, `${' '.repeat(6 + i * 4)}children:`);
      return lines.join('\n') + '\n';
    },
  },
  {
    name: 'wide-host-range',
    weight: 1,
    make: (rng) =>
      `all:\n  hosts:\n    ${rng.pick(['h[0:99999999]', 'h[0:999999:1]', 'h[a:z][a:z][a:z][a:z]', 'h[00:99][00:99][00:99]', 'h[1:0]', 'h[0:10:0]', 'h[0:9][', 'h[::]'])}:\n`,
  },
];

const TOTAL_WEIGHT = HOSTILE_INPUTS.reduce((n, g) => n + g.weight, 0);

/** One hostile input, chosen by weight. */
export function makeHostileInput(rng: Rng, kind: InputKind): { text: string; steps: string[] } {
  let r = rng.int(TOTAL_WEIGHT);
  for (const g of HOSTILE_INPUTS) {
    r -= g.weight;
    if (r < 0) return { text: g.make(rng, kind), steps: [g.name] };
  }
  throw new Error('unreachable');
}
