import { describe, expect, it } from 'vitest';
import { compileStats } from '../../src/template/environment.js';
import { TemplateRenderError, UndefinedVariableError } from '../../src/template/errors.js';
import { evaluateConditions, evaluateExpression, renderString, renderValue } from '../../src/template/render.js';

const vars = {
  kuma_install_dir: '/opt/kuma',
  kuma_version: '2.10.1',
  kumactl: '{{ kuma_install_dir }}/{{ kuma_version }}/bin/kumactl',
  port: 5681,
  ratio: 0.5,
  enabled: true,
  off: false,
  nothing: null,
  items: ['a', 'b'],
  conf: { mode: 'kuma', retries: 3 },
  empty_list: [],
  empty_map: {},
  result: { rc: 0, stdout: 'kumactl: 2.9.3', stdout_lines: ['kumactl: 2.9.3'], changed: false, failed: false },
  text_false: 'false',
};
const ctx = { vars, host: 'mesh-01', task: 'detect' };

describe('renderValue: native types for a single {{ expr }}', () => {
  it.each([
    ['{{ port }}', 5681],
    // Jinja2 drops one trailing newline and Ansible adds back only the newlines a text lacks (checked with ansible-playbook).
    ['{{ port }}\n', 5681],
    ['{{ items }}\n', ['a', 'b']],
    ['{{ 5 }}', 5],
    ['{{ ratio }}', 0.5],
    ['{{ enabled }}', true],
    ['{{ nothing }}', null],
    ['{{ items }}', ['a', 'b']],
    ['{{ [1, 2] }}', [1, 2]],
    ['{{ conf }}', { mode: 'kuma', retries: 3 }],
    ['{{ {"a": {"b": 1}} }}', { a: { b: 1 } }],
    ['{{ port + 1 }}', 5682],
    ['{{ "5" }}', '5'],
    ['{{- port -}}', 5681],
    ['{{ kuma_version }}', '2.10.1'],
  ] as const)('%s → %j', (template, expected) => {
    expect(renderValue(template, ctx)).toEqual(expected);
  });

  it('returns the value itself for a sole variable, not its text', () => {
    expect(renderValue('{{ conf }}', ctx)).toBe(vars.conf);
  });

  it('a tuple (a, b) is a list, as Jinja2 makes it', () => {
    expect(renderValue('{{ (1, "a") }}', ctx)).toEqual([1, 'a']);
    expect(renderValue('{{ (1 + 2) * 2 }}', ctx)).toBe(6);
  });
});

describe('renderValue and renderString: mixed text', () => {
  it.each([
    ['port {{ port }}', 'port 5681'],
    ['{{ enabled }} and {{ off }}', 'True and False'],
    ['[{{ nothing }}]', '[]'],
    ['{{ items }}!', "['a', 'b']!"],
    ['{{ conf }}.', "{'mode': 'kuma', 'retries': 3}."],
    [' {{ port }}', ' 5681'],
    ['{{ port }}\n\n', '5681\n\n'],
    ['{{ items | join(",") }}\n', 'a,b\n'],
    ['{% if enabled %}on{% else %}off{% endif %}', 'on'],
    ['{% for i in items %}{{ loop.index }}={{ i }};{% endfor %}', '1=a;2=b;'],
    ['{% set x = port * 2 %}{{ x }}', '11362'],
    ['{# comment #}text', 'text'],
    ['no template at all', 'no template at all'],
  ] as const)('%j → %j', (template, expected) => {
    expect(renderValue(template, ctx)).toBe(expected);
  });

  it('renderString always returns text, also for a single expression', () => {
    expect(renderString('{{ port }}', ctx)).toBe('5681');
    expect(renderString('{{ enabled }}', ctx)).toBe('True');
    expect(renderString('{{ items }}', ctx)).toBe("['a', 'b']");
  });

  it('walks lists and maps deeply, rendering keys too', () => {
    const value = { cmd: ['{{ kuma_install_dir }}/bin', 'x'], '{{ conf.mode }}_key': { n: '{{ port }}' }, keep: 7, flag: false };
    expect(renderValue(value, ctx)).toEqual({ cmd: ['/opt/kuma/bin', 'x'], kuma_key: { n: 5681 }, keep: 7, flag: false });
  });

  it('renders one level only: a variable holding a template stays as written (the engine resolves vars first)', () => {
    expect(renderValue('{{ kumactl }} version', ctx)).toBe('{{ kuma_install_dir }}/{{ kuma_version }}/bin/kumactl version');
  });
});

describe('operators (Python semantics)', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['10 / 4', 2.5],
    ['10 // 4', 2],
    ['-7 // 2', -4],
    ['7 % 3', 1],
    ['-7 % 3', 2],
    ['2 ** 10', 1024],
    ['-port', -5681],
    ['"-" * 3', '---'],
    ['[1] + [2]', [1, 2]],
    ['"a" + "b"', 'ab'],
    ['"v" ~ port ~ enabled', 'v5681True'],
    ['port == 5681', true],
    ['port != 5681', false],
    ['1 == 1.0', true],
    ['1 == "1"', false],
    ['[1, 2] == [1, 2]', true],
    ['{"a": 1} == {"a": 1}', true],
    ['1 < 2 < 3', true],
    ['3 > 2 > 2', false],
    ['"abc" < "abd"', true],
    ['"a" in items', true],
    ['"z" not in items', true],
    ['"mode" in conf', true],
    ['"kuma" in result.stdout', true],
    ['enabled and port', 5681],
    ['off or "fallback"', 'fallback'],
    ['not empty_list', true],
    ['not empty_map', true],
    ['empty_list or "none"', 'none'],
    ['"yes" if enabled else "no"', 'yes'],
    ['"yes" if off else "no"', 'no'],
    ['(port + 1) * 2', 11364],
    ['True and not False', true],
    ['None is none', true],
    ['items[-1]', 'b'],
    ['items[0]', 'a'],
    ['conf["mode"]', 'kuma'],
    ['kuma_version.split(".")[1] | int', 10],
    ['kuma_version.startswith("2.")', true],
    ['"a,b".split(",")', ['a', 'b']],
    ['"  x ".strip()', 'x'],
    ['", ".join(items)', 'a, b'],
    ['conf.get("missing", "dflt")', 'dflt'],
    ['conf.keys() | list', ['mode', 'retries']],
    [
      'conf.items() | list',
      [
        ['mode', 'kuma'],
        ['retries', 3],
      ],
    ],
    ['"{}-{}".format(1, "x")', '1-x'],
    ['range(3) | list', [0, 1, 2]],
  ] as const)('%s → %j', (expression, expected) => {
    expect(evaluateExpression(expression, ctx)).toEqual(expected);
  });

  it.each([
    ['1 < "a"', /'<' not supported between int and str/],
    ['1 + "a"', /unsupported operand types for \+: int and str/],
    ['1 / 0', /division by zero/],
    ['5 in 7', /not iterable/],
  ])('%s is an error', (expression, message) => {
    expect(() => evaluateExpression(expression, ctx)).toThrow(TemplateRenderError);
    expect(() => evaluateExpression(expression, ctx)).toThrow(message);
  });

  it('string literals: backslashes literal inside {{ }}, Python escapes in bare expressions (as Ansible)', () => {
    expect(renderValue("{{ 'a\\d' }}", ctx)).toBe('a\\d');
    expect(renderValue("{{ 'a\\nb' }}", ctx)).toBe('a\\nb');
    expect(evaluateExpression("'a\\nb'", ctx)).toBe('a\nb');
    expect(evaluateExpression("'a\\d'", ctx)).toBe('a\\d');
    expect(evaluateExpression("'it\\'s'", ctx)).toBe("it's");
  });
});

describe('evaluateConditions', () => {
  it.each([
    [['result.rc == 0'], true],
    [['result.rc == 0', 'enabled'], true],
    [['result.rc == 0', 'off'], false],
    [['result is success', '"kumactl" in result.stdout'], true],
    [[true], true],
    [[false], false],
    [[true, 'port > 1'], true],
    [['empty_list'], false],
    [['result.stdout_lines'], true],
    [['nothing'], false],
    [['text_false'], false],
    [['"no"'], false],
    [['"something"'], true],
    [['undefined_var is not defined'], true],
    [[], true],
  ] as const)('%j → %s', (exprs, expected) => {
    expect(evaluateConditions(exprs, ctx)).toBe(expected);
  });

  it('stops at the first false condition (later ones may be undefined)', () => {
    expect(evaluateConditions(['off', 'undefined_var'], ctx)).toBe(false);
    expect(() => evaluateConditions(['enabled', 'undefined_var'], ctx)).toThrow(UndefinedVariableError);
  });
});

describe('compile cache', () => {
  it('compiles each distinct text once across many renders and hosts', () => {
    const text = `{{ kuma_install_dir }}/cache-test-${Math.random()}`;
    const before = compileStats.compiled;
    for (let host = 0; host < 100; host++) {
      expect(renderValue(text, { vars: { kuma_install_dir: `/h${host}` }, host: `h${host}` })).toMatch(new RegExp(`^/h${host}/`));
    }
    expect(compileStats.compiled - before).toBe(1);
    const expr = `port > ${Math.floor(Math.random() * 1000)}`;
    const beforeExpr = compileStats.compiled;
    for (let i = 0; i < 50; i++) evaluateExpression(expr, ctx);
    expect(compileStats.compiled - beforeExpr).toBe(1);
  });
});

describe('variables are read only where used', () => {
  it('does not read (or copy) every variable on a render', () => {
    const reads: string[] = [];
    const target: Record<string, unknown> = { a: 1, b: 2, c: 3 };
    const proxy = new Proxy(target, {
      get: (t, key) => {
        if (typeof key === 'string') reads.push(key);
        return t[key as string];
      },
    });
    expect(renderValue('{{ a + 1 }}', { vars: proxy })).toBe(2);
    expect(reads).toEqual(['a']);
  });
});

describe('render errors name host and task', () => {
  it('a syntax error found at render time', () => {
    const run = () => renderValue('{{ port ', ctx);
    expect(run).toThrow(TemplateRenderError);
    expect(run).toThrow('template error in "{{ port ": unclosed "{{" (line 1, column 1) in task "detect" on host mesh-01');
  });

  it('an unknown filter', () => {
    expect(() => renderValue('{{ port | defualt(1) }}', ctx)).toThrow(/unknown filter "defualt"; did you mean "default"\? in task "detect" on host mesh-01/);
  });

  it('a filter failure keeps its cause', () => {
    try {
      renderValue('{{ "x" | from_json }}', ctx);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateRenderError);
      const e = error as TemplateRenderError;
      expect(e.host).toBe('mesh-01');
      expect(e.task).toBe('detect');
      expect(e.reason).toMatch(/^from_json: not valid JSON/);
      expect(e.cause).toBeDefined();
      expect(e.code).toBe('template-render');
    }
  });
});

describe('numbers after a dot (Jinja2: x.0 is x[0])', () => {
  const vars = { x: [[10, 20], { a: 'A' }], users: [{ uid: 1 }, { uid: 2 }] };
  it.each([
    ['{{ x.0.1 }}', 20],
    ['{{ x.1.a }}', 'A'],
    ['{{ users.1.uid }}', 2],
  ])('%s', (template, expected) => {
    expect(renderValue(template, { vars })).toBe(expected);
  });

  it.each(['{{ x.1. }}', '{{ x.0.1. }}', '{{ x.. }}'])('refuses %s as a syntax error (it once looped for ever)', (template) => {
    expect(() => renderValue(template, { vars })).toThrow(TemplateRenderError);
  });
});
