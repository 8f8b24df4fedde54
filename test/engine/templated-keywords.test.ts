import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { playKeywordAt } from '../../src/engine/keyword-source.js';
import { loadPlaybook } from '../../src/playbook/load-playbook.js';
import { resolvePlayKeywords } from '../../src/engine/play-keywords.js';
import { loadPlaybookText } from '../../src/playbook/load-playbook.js';
import { checkPercentage, checkSerialValue } from '../../src/engine/play-keywords.js';
import { InputError } from '../../src/errors/input-error.js';
import { createLocalFleet, type LocalFleet } from '../helpers/local-connection.js';
import { fleetInventory, runYaml } from './run-harness.js';
import { trackRuns } from './track-runs.js';

const run = trackRuns();

/** The upgrade playbook's play keywords, verbatim. */
const ROLLOUT = (tasks: string, extra = ''): string => `
- name: rollout
  hosts: web
  serial: "{{ serial | default([1, '25%', '100%']) }}"
  max_fail_percentage: "{{ max_fail_percentage | default(0) }}"
${extra}  tasks:
${tasks}`;

const OK_TASK = `    - name: work
      command: "true"
`;

function batchSizes(r: Awaited<ReturnType<typeof run>>): number[] {
  return r.events.flatMap((e) => (e.type === 'batch-start' ? [e.hosts.length] : []));
}

describe('templated play keywords (rendered with play vars and -e)', () => {
  it("serial \"{{ serial | default([1, '25%', '100%']) }}\" gives a canary, a quarter, the rest", async () => {
    const r = await run(ROLLOUT(OK_TASK), fleetInventory(8));
    expect(batchSizes(r)).toEqual([1, 2, 5]);
    expect(r.outcome.exitCode).toBe(0);
  });

  it('-e serial overrides the default: a number, a percentage, a list, a numeric string', async () => {
    expect(batchSizes(await run(ROLLOUT(OK_TASK), fleetInventory(5), { extraVars: { serial: 2 } }))).toEqual([2, 2, 1]);
    expect(batchSizes(await run(ROLLOUT(OK_TASK), fleetInventory(4), { extraVars: { serial: '50%' } }))).toEqual([2, 2]);
    expect(batchSizes(await run(ROLLOUT(OK_TASK), fleetInventory(6), { extraVars: { serial: [1, '100%'] } }))).toEqual([1, 5]);
    expect(batchSizes(await run(ROLLOUT(OK_TASK), fleetInventory(3), { extraVars: { serial: '3' } }))).toEqual([3]);
  });

  it('play vars feed the keywords; -e wins over them; inventory vars do not count (as Ansible)', async () => {
    const r = await run(ROLLOUT(OK_TASK, '  vars:\n    step: 2\n    serial: "{{ step }}"\n'), fleetInventory(4, { serial: 1 }));
    expect(batchSizes(r)).toEqual([2, 2]);
    const e = await run(ROLLOUT(OK_TASK, '  vars:\n    serial: 2\n'), fleetInventory(4), { extraVars: { serial: 4 } });
    expect(batchSizes(e)).toEqual([4]);
  });

  it('a list entry may be a template; max_fail_percentage default(0) halts after the first failing batch', async () => {
    const play = `
- name: mixed
  hosts: web
  serial: [1, "{{ rest }}"]
  max_fail_percentage: "{{ max_fail_percentage | default(0) }}"
  vars: { rest: "100%" }
  tasks:
    - name: breaks on h02
      shell: "test {{ inventory_hostname }} != h02"
`;
    const r = await run(play, fleetInventory(4), { extraVars: { serial: 9 } });
    expect(batchSizes(r)).toEqual([1, 3]);
    expect(r.outcome.halted).toMatchObject({ play: 'mixed', batch: 2 });
    expect(r.outcome.halted?.reason).toContain('max_fail_percentage 0%');
    expect(r.outcome.exitCode).toBe(2);
  });

  it('-e max_fail_percentage=50 lets a batch with one failure in three go on', async () => {
    const tasks = `    - name: breaks on h03
      shell: "test {{ inventory_hostname }} != h03"
`;
    const r = await run(ROLLOUT(tasks), fleetInventory(6), { extraVars: { serial: 3, max_fail_percentage: '50' } });
    expect(r.outcome.halted).toBeNull();
    expect(batchSizes(r)).toEqual([3, 3]);
    expect(r.results('h06').map((x) => x.status)).toEqual(['changed']);
    const halted = await run(ROLLOUT(tasks), fleetInventory(6), { extraVars: { serial: 3, max_fail_percentage: 20 } });
    expect(halted.outcome.halted).toMatchObject({ batch: 1 });
    expect(halted.results('h06')).toEqual([]);
  });
});

describe('a bad rendered play keyword is an input error before anything connects', () => {
  let fleet: LocalFleet | undefined;
  afterEach(() => fleet?.cleanup());

  async function failure(playbook: string, extraVars: Record<string, unknown>): Promise<InputError> {
    fleet = createLocalFleet();
    const events: string[] = [];
    const { EventBus } = await import('../../src/engine/events.js');
    const bus = new EventBus();
    bus.subscribe((e) => events.push(e.type));
    const error = await runYaml(playbook, fleetInventory(2), { fleet, bus, extraVars }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect(fleet.calls).toEqual([]);
    expect(fleet.connections.size).toBe(0);
    expect(events).toEqual([]);
    return error as InputError;
  }

  it.each([
    [{ serial: 'abc' }, 'serial', '"abc"'],
    [{ serial: 0 }, 'serial', '0'],
    [{ serial: [1, '150%'] }, 'serial', '"150%" (in [1,"150%"])'],
    [{ serial: [] }, 'serial', 'an empty list'],
    [{ serial: 2.5 }, 'serial', '2.5'],
    [{ max_fail_percentage: 'lots' }, 'max_fail_percentage', '"lots"'],
    [{ max_fail_percentage: 101 }, 'max_fail_percentage', '101'],
  ])('-e %j: names the play, the keyword and the value', async (vars, keyword, shown) => {
    const error = await failure(ROLLOUT(OK_TASK), vars);
    expect(error.problems).toHaveLength(1);
    const msg = error.problems[0].message;
    expect(msg).toContain(`play "rollout": ${keyword}: `);
    expect(msg).toContain(shown);
    expect(error.exitCode).toBe(4);
  });

  it('an undefined variable in the keyword is reported the same way; every play is checked', async () => {
    const error = await failure(
      `
- name: first
  hosts: web
  serial: "{{ batch_size }}"
  tasks: [{ command: "true" }]
- name: second
  hosts: web
  max_fail_percentage: "{{ nope }}"
  tasks: [{ command: "true" }]
`,
      {},
    );
    expect(error.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^play "first": serial: cannot render "\{\{ batch_size \}\}": undefined variable "batch_size"/),
      expect.stringMatching(/^play "second": max_fail_percentage: cannot render "\{\{ nope \}\}": undefined variable "nope"/),
    ]);
  });
});

describe('keyword values', () => {
  it.each([
    [3, 3],
    ['3', 3],
    ['25%', '25%'],
    [' 10 % ', '10%'],
    ['100%', '100%'],
    [0, undefined],
    ['0%', undefined],
    [-1, undefined],
    ['x', undefined],
    [true, undefined],
    [null, undefined],
  ])('serial %j → %j', (value, expected) => expect(checkSerialValue(value)).toBe(expected));

  it.each([
    [0, 0],
    ['0', 0],
    ['30%', 30],
    [12.5, 12.5],
    [100, 100],
    [-1, undefined],
    ['ten', undefined],
    [false, undefined],
  ])('max_fail_percentage %j → %j', (value, expected) => expect(checkPercentage(value)).toBe(expected));

  it('points at the keyword line inside its play, from positions kept at load (the file is not read again)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpx-kw-'));
    try {
      const file = join(dir, 'p.yaml');
      writeFileSync(file, '- name: a\n  hosts: all\n  vars:\n    serial: 1\n  serial: "{{ x }}"\n  tasks: []\n- serial: 2\n  hosts: b\n');
      const { plays } = loadPlaybook(file);
      rmSync(file);
      expect(playKeywordAt(plays[0], 'serial')).toEqual({ file, line: 5, col: 3, sourceLine: '  serial: "{{ x }}"' });
      expect(playKeywordAt(plays[1], 'serial')).toEqual({ file, line: 7, col: 3, sourceLine: '- serial: 2' });
      // Not written in the play: the play's own place.
      expect(playKeywordAt(plays[0], 'max_fail_percentage')).toEqual({ file, line: 1, col: 3 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('templated task keywords (rendered per host)', () => {
  it('timeout from a variable stops a slow command; retries and delay from variables', async () => {
    const r = await run(
      `
- hosts: web
  vars: { limit: 1, tries: 2, pause: "{{ 0 }}" }
  tasks:
    - name: slow
      shell: sleep 5
      timeout: "{{ limit }}"
      ignore_errors: true
    - name: counted
      shell: echo x >> n; wc -l < n
      register: c
      until: c.stdout | int >= 9
      retries: "{{ tries }}"
      delay: "{{ pause }}"
      ignore_errors: true
`,
      fleetInventory(1),
    );
    const slow = r.result('h01', 'slow')!;
    expect(slow.msg).toContain('timeout of 1s');
    expect(r.fleet.readHostFile('h01', 'n')).toBe('x\nx\nx\n');
    expect(r.result('h01', 'counted')!.msg).toContain('after 3 attempts');
  });

  it('a block-level timeout template is inherited; a bad value fails the task on that host with a clear message', async () => {
    const r = await run(
      `
- hosts: web
  tasks:
    - block:
        - name: inner
          command: "true"
      timeout: "{{ 'soon' if inventory_hostname == 'h02' else 5 }}"
`,
      fleetInventory(2),
    );
    expect(r.result('h01', 'inner')!.status).toBe('changed');
    expect(r.result('h02', 'inner')!.status).toBe('failed');
    expect(r.result('h02', 'inner')!.msg).toBe(
      'timeout: "{{ \'soon\' if inventory_hostname == \'h02\' else 5 }}" rendered to "soon"; expected a number of seconds ≥ 0',
    );
  });
});

describe('templated ignore_errors (rendered per host, as Ansible 2.14 does)', () => {
  it("per host, on a task and inherited from a block; the recap counts as ansible-playbook's does", async () => {
    const r = await run(
      `
- hosts: web
  tasks:
    - name: fails
      command: "false"
      ignore_errors: "{{ inventory_hostname == 'h01' }}"
    - block:
        - name: fails in block
          command: "false"
      ignore_errors: "{{ 'yes' if inventory_hostname == 'h01' else 'no' }}"
    - name: after
      command: "true"
`,
      fleetInventory(2),
    );
    // ansible-playbook on the same play: h01 ok=3 changed=3 ignored=2; h02 failed=1.
    expect(r.outcome.stats.h01).toMatchObject({ ok: 3, changed: 3, failed: 0, ignored: 2 });
    expect(r.outcome.stats.h02).toMatchObject({ ok: 0, failed: 1, ignored: 0 });
    expect(r.result('h02', 'fails in block')).toBeUndefined();
    expect(r.outcome.exitCode).toBe(2);
  });

  it('a template that does not render ignores nothing and says why', async () => {
    const r = await run(`\n- hosts: web\n  tasks:\n    - name: fails\n      command: "false"\n      ignore_errors: "{{ nosuch }}"\n`, fleetInventory(1));
    expect(r.outcome.stats.h01).toMatchObject({ failed: 1, ignored: 0 });
    expect(r.events).toContainEqual(
      expect.objectContaining({
        type: 'warning',
        host: 'h01',
        msg: expect.stringMatching(/^ignore_errors: "\{\{ nosuch \}\}" did not render \(.*nosuch.*\); the failure is not ignored$/),
      }),
    );
  });
});

describe('templated any_errors_fatal', () => {
  it('is rendered with play vars and -e when the run starts, as a boolean', () => {
    const playbook = loadPlaybookText('- hosts: all\n  vars: { strict: yes }\n  any_errors_fatal: "{{ strict }}"\n  tasks: []\n', '/tmp/site.yml');
    expect(playbook.plays[0].anyErrorsFatal).toBe(false);
    expect(resolvePlayKeywords(playbook.plays, {})[0].anyErrorsFatal).toBe(true);
    expect(resolvePlayKeywords(playbook.plays, { strict: 'no' })[0].anyErrorsFatal).toBe(false);
    expect(() => resolvePlayKeywords(playbook.plays, { strict: 'maybe' })).toThrow(
      /any_errors_fatal: "\{\{ strict \}\}" rendered to "maybe"; expected true or false/,
    );
  });
});
