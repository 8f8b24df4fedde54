/**
 * renderTemplateFile against ansible-core: the expected texts are what Ansible 2.14's
 * template action renders (Templar.do_template with preserve_trailing_newlines, in an
 * AnsibleEnvironment with the same trim_blocks, lstrip_blocks, delimiters and newline_sequence).
 */
import { describe, expect, it } from 'vitest';
import { renderTemplateFile, type TemplateFileOptions } from '../../src/template/render-file.js';

interface Case {
  readonly source: string;
  readonly vars?: Record<string, unknown>;
  readonly options?: TemplateFileOptions;
  readonly expected: string;
}

const CASES: readonly Case[] = [
  { source: '{{ x }}\n', vars: { x: 'a\n' }, expected: 'a\n' },
  { source: 'Hello {{ name }}\n\n\n', vars: { name: 'w' }, expected: 'Hello w\n\n\n' },
  { source: '{% for i in items %}\n  - {{ i }}\n{% endfor %}\ndone\n', vars: { items: [1, 2] }, expected: '  - 1\n  - 2\ndone\n' },
  {
    source: '{% for i in items %}\n  - {{ i }}\n{% endfor %}\ndone\n',
    vars: { items: [1, 2] },
    options: { trimBlocks: false },
    expected: '\n  - 1\n\n  - 2\n\ndone\n',
  },
  { source: '  {% if true %}\nyes\n  {% endif %}\n{# c #}\nz\n', options: { lstripBlocks: true }, expected: 'yes\nz\n' },
  { source: '  {% if true %}\nyes\n  {% endif %}\n  {# c #}\nz\n', options: { lstripBlocks: false }, expected: '  yes\n    z\n' },
  { source: "a\r\nb {{ 'q\nr' }}\r\n{{ v }}\n", vars: { v: '1\n2' }, options: { newlineSequence: '\r\n' }, expected: 'a\r\nb q\r\nr\r\n1\n2\r\n' },
  { source: 'a\r\nb\r\n', expected: 'a\nb\n' },
  { source: 'x {{ d }} {{ l }} {{ b }} {{ n }}', vars: { d: { k: 1 }, l: ['a', 2], b: true, n: null }, expected: "x {'k': 1} ['a', 2] True " },
  {
    source: '<< v >> [% if v %]yes[% endif %] [# c #]\n',
    vars: { v: 3 },
    options: { variableStart: '<<', variableEnd: '>>', blockStart: '[%', blockEnd: '%]', commentStart: '[#', commentEnd: '#]' },
    expected: '3 yes \n',
  },
  { source: '{%- for i in items -%}\n{{ i }},\n{%- endfor %}\nend', vars: { items: [1, 2, 3] }, expected: '1,2,3,end' },
  { source: '', expected: '' },
  { source: '\n\n', expected: '\n\n' },
  { source: '{{ x }}', vars: { x: 't\n\n' }, expected: 't\n\n' },
];

describe("renderTemplateFile renders as Ansible's template module", () => {
  it.each(CASES.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    expect(renderTemplateFile(c.source, { vars: c.vars ?? {} }, { trimBlocks: true, ...c.options })).toBe(c.expected);
  });

  it('names an undefined variable', () => {
    expect(() => renderTemplateFile('a {{ nope }}\n', { vars: {} })).toThrow(/nope/);
  });
});
