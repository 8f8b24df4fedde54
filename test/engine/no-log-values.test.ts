import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../src/engine/events.js';
import { isMaskable, maskNoLogValues, MIN_MASKED_LENGTH } from '../../src/engine/no-log-values.js';
import { SecretMasker } from '../../src/errors/mask-secrets.js';
import { createReporters } from '../../src/reporters/create-reporters.js';
import { CaptureStream } from '../reporters/fake-stream.js';
import { fleetInventory, runYaml, type HarnessRun } from './run-harness.js';

const runs: HarnessRun[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const r of runs.splice(0)) r.fleet.cleanup();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** What a masker taught by one no_log outcome makes of `text`. */
function maskedAfter(outcome: Parameters<typeof maskNoLogValues>[1], text: string): string {
  const masker = new SecretMasker();
  maskNoLogValues(masker, outcome);
  return masker.mask(text);
}

describe('which values of a no_log task are masked later', () => {
  it(`only strings of ${MIN_MASKED_LENGTH}+ characters that are not booleans, nulls or a module's default text`, () => {
    expect(MIN_MASKED_LENGTH).toBe(4);
    for (const common of ['', '0', 'ok', 'yes', 'abc', 'true', 'False', 'None', 'null', 'Hello world!', 'All assertions passed'])
      expect(isMaskable(common), common).toBe(false);
    for (const secret of ['abcd', '1234', 'hunter2', 's3cret with spaces']) expect(isMaskable(secret), secret).toBe(true);
  });

  it('from a host module: what the host printed, line by line, trimmed; not its command, paths or tpx words', () => {
    const raw = {
      changed: true,
      rc: 0,
      cmd: ['cat', '/root/token-file'],
      stdout: 'tok-AAAA\n  tok-BBBB  ',
      stdout_lines: ['tok-AAAA', '  tok-BBBB  '],
      stderr: 'warn-CCCC',
      msg: 'non-zero return code',
    };
    const text = 'tok-AAAA tok-BBBB warn-CCCC cat /root/token-file non-zero return code';
    expect(maskedAfter({ raw, controllerSide: false, loopVar: 'item' }, text)).toBe('******** ******** ******** cat /root/token-file non-zero return code');
  });

  it('from a controller-side module: every string it computed (debug var, set_fact values), not the loop item', () => {
    const raw = { changed: false, msg: 'the key: K-1111', 'vault.key': { nested: ['K-2222'] }, item: 'web-server', ansible_loop_var: 'item' };
    const facts = { api_key: 'K-3333', port: 8443, flag: true };
    const text = 'the key: K-1111 K-2222 K-3333 web-server 8443';
    expect(maskedAfter({ raw, facts, controllerSide: true, loopVar: 'item' }, text)).toBe('******** ******** ******** web-server 8443');
  });

  it("from a loop: each item's values, not the loop's summary; nothing from a skipped result", () => {
    const raw = {
      changed: true,
      msg: 'All items completed',
      results: [
        { stdout: 'item-out-1', item: 'first', ansible_loop_var: 'item' },
        { skipped: true, skip_reason: 'Conditional result was False', item: 'second' },
      ],
    };
    expect(maskedAfter({ raw, controllerSide: false, loopVar: 'item' }, 'item-out-1 All items completed first')).toBe('******** All items completed first');
    expect(
      maskedAfter({ raw: { skipped: true, msg: 'Verbosity threshold not met.' }, controllerSide: true, loopVar: 'item' }, 'Verbosity threshold not met.'),
    ).toBe('Verbosity threshold not met.');
  });
});

describe('no_log values used by later tasks', () => {
  const TOKEN = 'tok-h01-S3CRET';
  const SECOND = 'line2-secret-value';
  const SET_FACT = 'K3Y-from-set-fact';
  const playbook = `
- hosts: h01
  tasks:
    - name: read the token
      shell: echo "tok-{{ inventory_hostname }}-S3CRET"; echo "${SECOND}"
      register: tok
      no_log: true
    - name: short and common values
      shell: printf 'ok\\n0\\ntrue\\nabc\\nwxyz\\n'
      register: short
      no_log: true
    - name: keep a key
      set_fact: { api_key: "${SET_FACT}" }
      no_log: true
    - name: show it
      debug: { msg: "token is {{ tok.stdout_lines[0] }} and key {{ api_key }}" }
    - name: on a command line
      command: echo "{{ tok.stdout_lines[1] }}"
    - name: written on the host
      shell: echo "{{ tok.stdout_lines[0] }}" > got
    - name: short ones stay readable
      debug: { msg: "{{ short.stdout_lines | join(',') }}" }
    - name: fail with it
      fail: { msg: "bad token {{ tok.stdout_lines[0] }}" }
`;

  it('is masked in the results and in every output: plain and JSON lines, JSON report, JUnit, journal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpx-no-log-'));
    dirs.push(dir);
    const masker = new SecretMasker();
    const bus = new EventBus();
    const plain = new CaptureStream();
    const json = new CaptureStream();
    const files = { report: join(dir, 'report.json'), junit: join(dir, 'junit.xml'), journal: join(dir, 'run.jsonl') };
    const reporters = [
      createReporters({
        output: 'plain',
        verbose: 1,
        stdout: plain,
        env: {},
        masker,
        report: files.report,
        junit: files.junit,
        journal: { paths: [files.journal], runId: 'r1', playbook: 'p.yaml' },
      }),
      createReporters({ output: 'json', stdout: json, env: {}, masker }),
    ];
    for (const r of reporters) r.attach(bus);
    const r = await runYaml(playbook, fleetInventory(1), { bus, masker, verbosity: 1 });
    runs.push(r);
    for (const rep of reporters) await rep.end();

    // The value was there to use: the host got the real thing.
    expect(r.fleet.readHostFile('h01', 'got')).toBe(`${TOKEN}\n`);
    expect(r.result('h01', 'show it')?.msg).toBe('token is ******** and key ********');
    expect(r.result('h01', 'on a command line')?.stdout).toBe('********');
    expect(r.result('h01', 'fail with it')).toMatchObject({ status: 'failed', msg: 'bad token ********' });
    expect(r.result('h01', 'short ones stay readable')?.msg).toBe('ok,0,true,abc,********');

    const outputs = {
      plain: plain.text(),
      json: json.text(),
      report: readFileSync(files.report, 'utf8'),
      junit: readFileSync(files.junit, 'utf8'),
      journal: readFileSync(files.journal, 'utf8'),
    };
    expect(outputs.plain).toContain('token is ******** and key ********');
    expect(outputs.plain).toContain('bad token ********');
    // -v shows the command line and its output: both masked.
    expect(outputs.plain).toContain('echo ********');
    for (const [name, text] of Object.entries(outputs)) {
      for (const secret of [TOKEN, SECOND, SET_FACT, 'wxyz']) expect(text.includes(secret), `${secret} in ${name}`).toBe(false);
      expect(text, name).toContain('bad token ********');
    }
  });
});
