import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pyEquals } from '../../src/template/python-values.js';
import { renderValue } from '../../src/template/render.js';
import { filterCases, filterVars } from './filter-cases.js';
import { ANSIBLE_JSON_ENV } from '../helpers/ansible-json.js';

const hasAnsible = spawnSync('ansible-playbook', ['--version'], { stdio: 'ignore' }).status === 0;

/** Cases where tpx differs from ansible-core 2.14 on purpose, with the reason. */
const KNOWN_DIFFERENCES: Record<string, string> = {
  '{"a": [1], "b": {"c": 1}} | to_nice_yaml': 'sequences under a key are indented by 2 (the yaml package), PyYAML does not indent them',
  'ver | regex_replace("(?P<major>\\d+)", "<\\g<major>>", count=1)': 'count= needs ansible-core 2.17',
  'out | regex_search("kumactl: (\\S+)", "\\1")': 'group arguments fail in ansible-core 2.14',
  'out | regex_search("kumactl: (?P<v>\\S+)", "\\g<v>")': 'group arguments fail in ansible-core 2.14',
};

/** The expressions of the filter table that are a single `{{ expr }}`. */
function collectExpressions(): string[] {
  return filterCases
    .map(([template]) => template)
    .filter((t) => t.startsWith('{{ ') && t.endsWith(' }}'))
    .map((t) => t.slice(3, -3))
    .filter((expr) => !(expr in KNOWN_DIFFERENCES));
}

/** Runs every expression through ansible-playbook in one debug task; returns their values. */
function evaluateWithAnsible(expressions: string[]): unknown[] {
  const dir = mkdtempSync(join(tmpdir(), 'tpx-ansible-compat-'));
  try {
    const msg = Object.fromEntries(expressions.map((e, i) => [`e${i}`, `{{ (${e}) | to_json }}`]));
    const playbook = [{ hosts: 'localhost', gather_facts: false, vars: filterVars, tasks: [{ debug: { msg } }] }];
    writeFileSync(join(dir, 'pb.yml'), JSON.stringify(playbook));
    const out = execFileSync('ansible-playbook', [join(dir, 'pb.yml')], {
      env: { ...process.env, ...ANSIBLE_JSON_ENV, ANSIBLE_LOCALHOST_WARNING: 'false', ANSIBLE_INVENTORY_UNPARSED_WARNING: 'false' },
      timeout: 120_000,
      encoding: 'utf8',
    });
    const result = JSON.parse(out).plays[0].tasks[0].hosts.localhost;
    return expressions.map((_, i) => JSON.parse(result.msg[`e${i}`]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!hasAnsible && !process.env.CI)('filters agree with ansible-core', () => {
  it('gives the same values as ansible-playbook for the filter table', () => {
    expect(hasAnsible, 'ansible-playbook is missing (apt-get install ansible-core); in CI this comparison must run').toBe(true);
    const expressions = collectExpressions();
    const theirs = evaluateWithAnsible(expressions);
    const differences = expressions
      .map((expr, i) => ({ expr, ansible: theirs[i], tpx: renderValue(`{{ ${expr} }}`, { vars: filterVars }) }))
      .filter((r) => !pyEquals(r.ansible, r.tpx));
    expect(differences).toEqual([]);
    expect(expressions.length).toBeGreaterThan(130);
  }, 150_000);
});

/** Whole templates (text around the expressions matters: trailing newlines, native values). */
const WHOLE_TEMPLATES = [
  '{{ port }}\n',
  '{{ name }}\n',
  'x{{ port }}\n',
  '{{ port }}\n\n',
  '{{ items }}\n',
  '{{ flag }}\n',
  ' {{ port }}',
  '{{ port }} ',
  '{{ conf.n }}\n',
  '{{ port + 1 }}\n',
  '{{ conf.on }}\n',
  '{{ conf }}\n',
  '{{ items[0] }}\n',
];
const WHOLE_VARS = { port: 8080, name: 'web', items: [1, 2], flag: true, conf: { n: 1001, on: false } };

describe.skipIf(!hasAnsible && !process.env.CI)('whole templates agree with ansible-core', () => {
  it('gives the same values, of the same types, as ansible-playbook', () => {
    expect(hasAnsible, 'ansible-playbook is missing (apt-get install ansible-core); in CI this comparison must run').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'tpx-ansible-whole-'));
    try {
      // set_fact keeps what each template renders to (a number stays a number); debug returns them all as JSON.
      const facts = Object.fromEntries(WHOLE_TEMPLATES.map((t, i) => [`t${i}`, t]));
      const msg = `{{ [${WHOLE_TEMPLATES.map((_, i) => `t${i}`).join(', ')}] | to_json }}`;
      const playbook = [{ hosts: 'localhost', gather_facts: false, vars: WHOLE_VARS, tasks: [{ set_fact: facts }, { debug: { msg } }] }];
      writeFileSync(join(dir, 'pb.yml'), JSON.stringify(playbook));
      const out = execFileSync('ansible-playbook', [join(dir, 'pb.yml')], {
        env: { ...process.env, ...ANSIBLE_JSON_ENV, ANSIBLE_LOCALHOST_WARNING: 'false', ANSIBLE_INVENTORY_UNPARSED_WARNING: 'false' },
        timeout: 120_000,
        encoding: 'utf8',
      });
      const theirs = JSON.parse(JSON.parse(out).plays[0].tasks[1].hosts.localhost.msg) as unknown[];
      const ours = WHOLE_TEMPLATES.map((t) => renderValue(t, { vars: WHOLE_VARS }));
      expect(ours).toEqual(theirs);
      // The case that made this test: a number before a newline stays a number, in both.
      expect(theirs[0]).toBe(8080);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});
