import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CronTab, cronJobLine, isCrontabHeader, splitLinesLikePython } from '../../src/modules/cron-tab.js';
import { cronFactCommand, cronModule, normaliseCron, planCron } from '../../src/modules/cron.js';
import { execResult, plantedSecretLinks } from './fixtures.js';
import { makeContext } from './local-executor.js';

/** The command parses as POSIX sh (dash -n) and passes shellcheck where it is installed (CI installs it). */
function expectValidSh(script: string): void {
  expect(spawnSync('dash', ['-n'], { input: script }).status).toBe(0);
  const sc = spawnSync('shellcheck', ['-s', 'dash', '-S', 'warning', '-'], { input: script, encoding: 'utf8' });
  if (sc.error === undefined) expect(sc.stdout).toBe('');
}

const tab = (rc: string, text: string) => ({ cron: execResult(`rc ${rc}\n${text}`) });
const ctx = { check: false, diff: true, become: true };

describe('cron: parameters', () => {
  it("reads Ansible's aliases and defaults", () => {
    expect(normaliseCron({ name: 'j', value: '/bin/true', dom: 5, dow: '1-5' })).toMatchObject({
      name: 'j',
      job: '/bin/true',
      minute: '*',
      hour: '*',
      day: '5',
      month: '*',
      weekday: '1-5',
      state: 'present',
      disabled: false,
      env: false,
      backup: false,
    });
    expect(normaliseCron({ name: 'j', job: 'x', cron_file: 'tpx', user: 'root' })).toMatchObject({ cronFile: 'tpx', cronPath: '/etc/cron.d/tpx' });
  });

  it.each<[Record<string, unknown>, string]>([
    [{ name: 'j', cron_file: '/etc/crontab', user: 'root', job: 'x' }, 'Will not manage /etc/crontab via cron_file, see documentation.'],
    [{ name: 'j', special_time: 'daily', minute: 5, job: 'x' }, 'You must specify time and date fields or special time.'],
    [{ name: 'j', cron_file: 'f', job: 'x' }, 'To use cron_file=... parameter you must specify user=... as well'],
    [{ name: 'j' }, "You must specify 'job' to install a new cron job or variable"],
    [{ name: 'j', job: 'x', insertafter: 'A' }, 'Insertafter and insertbefore parameters are valid only with env=yes'],
    [{ name: 'A B', job: 'x', env: true }, 'Invalid name for environment variable'],
  ])("%j fails on the host's side with Ansible's words, without reading anything", (args, msg) => {
    const p = normaliseCron(args);
    expect(p.refusal).toBe(msg);
    expect(planCron(p, {}, ctx)).toMatchObject({ failed: true, msg });
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ job: 'x' }, /'name' is required/],
    [{ name: 'j', job: 'x', special_time: 'sometimes' }, /'special_time' must be one of/],
    [{ name: 'j', job: 'x', env: true, insertafter: 'A', insertbefore: 'B' }, /mutually exclusive: insertafter\|insertbefore/],
    [{ name: 'j', job: 'x', user: '$(id)' }, /'user' must be a user or group name/],
    [{ name: 'a\n* * * * * evil', job: 'x' }, /'name' cannot hold U\+000A: a line break or control character would end its crontab line/],
  ])('%j is refused', (args, message) => {
    expect(() => normaliseCron(args)).toThrow(message);
  });

  // Every line break the crontab's reader splits at (Python's splitlines), and other control characters.
  const BREAKS = ['\n', '\r', '\v', '\f', '\x1c', '\x1d', '\x1e', '\x85', '\u2028', '\u2029', '\0', '\x1b', '\x7f', '\x9b'];
  const FIELDS: [string, Record<string, unknown>][] = [
    ['name', { job: 'x' }],
    ['minute', { name: 'j', job: 'x' }],
    ['hour', { name: 'j', job: 'x' }],
    ['day', { name: 'j', job: 'x' }],
    ['month', { name: 'j', job: 'x' }],
    ['weekday', { name: 'j', job: 'x' }],
    ['job', { name: 'j' }],
    ['job', { name: 'V', env: true }],
    ['insertafter', { name: 'V', job: 'x', env: true }],
    ['insertbefore', { name: 'V', job: 'x', env: true }],
  ];
  const code = (ch: string) => `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  it.each(FIELDS.flatMap(([key, rest]) => BREAKS.map((ch) => [key, rest, code(ch), ch] as const)))(
    "'%s' (with %j) holding %s is refused before connecting: it would be a crontab line of its own (a root job) on the next run",
    (key, rest, shown, ch) => {
      const args = { ...rest, [key]: `x${ch}* * * * * root /tmp/evil` };
      expect(() => normaliseCron(args)).toThrow(`'${key}' cannot hold ${shown}: a line break or control character would end its crontab line`);
    },
  );

  it("a job's own leading and trailing newlines are dropped as in Ansible; a variable's are refused; tabs are fine", () => {
    expect(normaliseCron({ name: 'j', job: '\n/bin/true\r\n' }).job).toBe('\n/bin/true\r\n');
    expect(() => normaliseCron({ name: 'V', env: true, job: 'x\n' })).toThrow(/'job' cannot hold U\+000A/);
    expect(() => normaliseCron({ name: 'j', job: '\vx' })).toThrow(/'job' cannot hold U\+000B/);
    expect(normaliseCron({ name: 'a\tb', job: 'printf "\t"', minute: '0\t' })).toMatchObject({ name: 'a\tb', minute: '0\t' });
  });
});

describe('cron: the crontab text', () => {
  it('splits lines as Python does and drops crontab -l header lines', () => {
    expect(splitLinesLikePython('a\r\nb\rc\n')).toEqual(['a', 'b', 'c']);
    const t = new CronTab('# DO NOT EDIT THIS FILE - edit the master and reinstall.\n# (/tmp/x installed on now)\n# (Cron version 3)\nA=1\n', true);
    expect(t.lines).toEqual(['A=1']);
    expect(t.existing).toBe('A=1\n');
  });

  it('builds job lines', () => {
    const times = { minute: '0', hour: '3', day: '*', month: '*', weekday: '1-5', disabled: false };
    expect(cronJobLine(times, '\n/bin/true\n', undefined)).toBe('0 3 * * 1-5 /bin/true');
    expect(cronJobLine({ ...times, specialTime: 'reboot', disabled: true }, 'x', 'root')).toBe('#@reboot root x');
  });

  it('marks an unmarked identical job instead of adding it again', () => {
    const t = new CronTab('0 3 * * * /bin/true\n', true);
    expect(t.findJob('nightly', '0 3 * * * /bin/true')).toHaveLength(3);
    expect(t.lines).toEqual(['#Ansible: nightly', '0 3 * * * /bin/true']);
  });
});

describe('cron: the plan', () => {
  const exec = (plan: ReturnType<typeof planCron>) =>
    plan.actions.map((a) => (a.kind === 'exec' ? { command: a.command, stdin: a.stdin } : { command: '', stdin: undefined }));

  it('adds a job to an empty crontab, written with crontab - on stdin, with a diff', () => {
    const plan = planCron(normaliseCron({ name: 'nightly', minute: 0, hour: 3, job: '/bin/true' }), tab('1', ''), ctx);
    expect(plan).toMatchObject({ changed: true, returns: { jobs: ['nightly'], envs: [], warnings: [] } });
    expect(exec(plan)).toEqual([{ command: 'crontab -', stdin: '#Ansible: nightly\n0 3 * * * /bin/true\n' }]);
    expect(plan.diff).toBe('--- crontab\n+++ crontab\n@@ -0,0 +1,2 @@\n+#Ansible: nightly\n+0 3 * * * /bin/true\n');
  });

  it('changes a job in place and leaves the others', () => {
    const before = 'MAILTO=x\n#Ansible: a\n1 * * * * a\n#Ansible: b\n2 * * * * b\n';
    const plan = planCron(normaliseCron({ name: 'a', minute: 5, job: 'a', user: 'deploy' }), tab('0', before), ctx);
    expect(exec(plan)[0]).toMatchObject({ stdin: 'MAILTO=x\n#Ansible: a\n5 * * * * a\n#Ansible: b\n2 * * * * b\n' });
    expect(exec(plan)[0]).toMatchObject({ command: expect.stringContaining('crontab -u deploy -') });
  });

  it('is unchanged when the job is there; a missing final newline is a change', () => {
    expect(planCron(normaliseCron({ name: 'a', job: 'a' }), tab('0', '#Ansible: a\n* * * * * a\n'), ctx)).toMatchObject({ changed: false, actions: [] });
    expect(planCron(normaliseCron({ name: 'a', job: 'a' }), tab('0', '#Ansible: a\n* * * * * a'), ctx)).toMatchObject({ changed: true });
  });

  it('variables: first by default, after or before another, replaced, removed, or a clear failure', () => {
    const text = 'A="1"\nB="2"\n';
    const run = (args: Record<string, unknown>) => planCron(normaliseCron({ env: true, ...args }), tab('0', text), ctx);
    expect(exec(run({ name: 'C', job: '3' }))[0]).toMatchObject({ stdin: 'C="3"\nA="1"\nB="2"\n' });
    expect(exec(run({ name: 'C', job: '3', insertafter: 'A' }))[0]).toMatchObject({ stdin: 'A="1"\nC="3"\nB="2"\n' });
    expect(exec(run({ name: 'C', job: '3', insertbefore: 'B' }))[0]).toMatchObject({ stdin: 'A="1"\nC="3"\nB="2"\n' });
    expect(exec(run({ name: 'A', job: '9' }))[0]).toMatchObject({ stdin: 'A="9"\nB="2"\n' });
    expect(exec(run({ name: 'A', state: 'absent' }))[0]).toMatchObject({ stdin: 'B="2"\n' });
    expect(run({ name: 'C', job: '3', insertafter: 'Z' })).toMatchObject({ failed: true, msg: "Variable named 'Z' not found." });
  });

  it('a cron file: written by replacing it; removed with its last job', () => {
    const p = normaliseCron({ name: 'j', cron_file: 'tpx.job', user: 'root', job: 'x' });
    const plan = planCron(p, tab('missing', ''), ctx);
    expect(plan.returns).toMatchObject({ cron_file: 'tpx.job', warnings: [expect.stringContaining('Filename portion of cron_file ("tpx.job")')] });
    expect(exec(plan)[0]).toMatchObject({
      stdin: '#Ansible: j\n* * * * * root x\n',
      command: expect.stringMatching(/cd -P -- \/etc\/cron\.d \|\|.* mv -fT -- "\$t" \.\/tpx\.job 2>\/dev\/null \|\|/),
    });
    // The shared writeFileCommand splits ls output on purpose (shellcheck's SC2046): dash -n only.
    expect(spawnSync('dash', ['-n'], { input: String(exec(plan)[0].command) }).status).toBe(0);
    const gone = planCron(normaliseCron({ name: 'j', cron_file: 'tpx.job', state: 'absent' }), tab('0', '#Ansible: j\n* * * * * root x\n'), ctx);
    expect(gone).toMatchObject({ changed: true, returns: { cron_file: 'tpx.job', state: 'absent' } });
    expect(exec(gone)).toEqual([{ command: 'rm -f -- /etc/cron.d/tpx.job', stdin: undefined }]);
  });

  it('backup: the old crontab goes into a new file in /tmp, made only by the write (none when nothing changes, or in check mode)', () => {
    const p = normaliseCron({ name: 'a', job: 'b', backup: true });
    const changed = planCron(p, tab('0', 'X=1\n'), ctx);
    const backup = changed.returns?.backup_file as string;
    expect(backup).toMatch(/^\/tmp\/crontab[a-z0-9_]{8}$/);
    expect(exec(changed)[0]).toEqual({
      command: `umask 077; set -C; if [ -e ${backup} ] || [ -L ${backup} ]; then echo ${backup}' is there already: not overwritten' >&2; exit 1; fi; cat > ${backup}`,
      stdin: 'X=1\n',
    });
    expectValidSh(String(exec(changed)[0].command));
    const same = planCron(p, tab('0', '#Ansible: a\n* * * * * b\n'), ctx);
    expect(exec(same)).toEqual([]);
    expect(same.returns).not.toHaveProperty('backup_file');
    const check = planCron(p, tab('0', 'X=1\n'), { ...ctx, check: true });
    expect(exec(check)).toHaveLength(1);
    expect(check.returns).not.toHaveProperty('backup_file');
  });

  it("fails as Ansible does on crontab -l's own failure", () => {
    expect(planCron(normaliseCron({ name: 'a', job: 'b' }), tab('2', ''), ctx)).toMatchObject({ failed: true, msg: 'Unable to read crontab' });
  });

  it('fact commands parse as sh (dash -n)', () => {
    for (const args of [
      { name: 'a', job: 'b', backup: true },
      { name: 'a', job: 'b', user: 'deploy' },
    ]) {
      expectValidSh(cronFactCommand(normaliseCron(args)));
    }
    // untrustedPathCheck splits ls output on purpose (shellcheck's SC2046): dash -n only.
    expect(spawnSync('dash', ['-n'], { input: cronFactCommand(normaliseCron({ name: 'a', job: 'b', user: 'root', cron_file: "it's" })) }).status).toBe(0);
  });

  it('reads a cron file by sh: its content exactly, even without a final newline', () => {
    const r = spawnSync('sh', ['-c', cronFactCommand(normaliseCron({ name: 'a', job: 'b', user: 'root', cron_file: '/nonexistent/tpx' }))], {
      encoding: 'utf8',
    });
    expect(r.stdout).toBe('rc missing\n');
  });
});

describe('cron: what the host gives back is untrusted (security review)', () => {
  const made = (): string[] => readdirSync('/tmp').filter((f) => f.startsWith('crontab'));
  let before: string[] = [];
  beforeEach(() => {
    before = made();
  });
  afterEach(() => {
    for (const f of made()) if (!before.includes(f)) rmSync(join('/tmp', f), { force: true });
  });

  it('a crontab cut at tpx_output_limit fails the task: it is never written back cut', async () => {
    const facts = { cron: { ...execResult('rc 0\n#Ansible: a\n* * * * * a\n0 1 * * * kept'), stdoutDropped: 4096 } };
    expect(await cronModule.plan(normaliseCron({ name: 'b', job: 'b', user: 'deploy' }), facts, makeContext(ctx))).toMatchObject({
      failed: true,
      actions: [],
      msg: 'the crontab of deploy is larger than tpx_output_limit keeps; raise it for this task (vars: { tpx_output_limit: 16M })',
    });
    const file = normaliseCron({ name: 'b', job: 'b', user: 'root', cron_file: 'tpx' });
    expect(await cronModule.plan(file, { cron: { ...execResult('meta 644 0:0\nrc 0\nX=1\n'), stdoutDropped: 1 } }, makeContext(ctx))).toMatchObject({
      failed: true,
      actions: [],
      msg: expect.stringMatching(/^\/etc\/cron.d\/tpx is larger than tpx_output_limit keeps/),
    });
  });

  it.each([
    ['# (' + 'version'.repeat(20_000), 'version header'],
    ['# (/tmp/' + 'installed on'.repeat(12_000), 'installed-on header'],
    ['\n'.repeat(100_000) + 'x', 'blank lines'],
  ])("a user's own huge crontab (%#: %s) is read and written in linear time: no backtracking regex holds the event loop", (text) => {
    const started = Date.now();
    expect(new CronTab(`${text}\n`, true).render().length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it("tells crontab -l's header lines as Ansible's patterns do", () => {
    expect(isCrontabHeader('# (/tmp/crontab.x installed on Sat Dec  5 06:00:00 2026)')).toBe(true);
    expect(isCrontabHeader('# (Cron version -- $Id: crontab.c,v 2.13 1994/01/17 03:20:37 vixie Exp $)')).toBe(true);
    expect(isCrontabHeader('# DO NOT EDIT THIS FILE - edit the master and reinstall.')).toBe(true);
    expect(isCrontabHeader('# (version')).toBe(false);
    expect(isCrontabHeader('# (/tmp/x installed o)')).toBe(false);
    expect(isCrontabHeader('# DO NOT EDIT THIS FILE - edit the master and reinstall')).toBe(false);
  });

  it('leaves no backup file in /tmp when the task fails: crontab -l failing, or the plan failing', async () => {
    const failing = "crontab() { echo 'crontab: cannot read' >&2; return 2; }\n";
    const p = normaliseCron({ name: 'a', job: 'b', backup: true });
    const [fact] = cronModule.facts?.(p, makeContext({ become: true })) ?? [];
    const r = spawnSync('sh', ['-c', failing + fact.command], { cwd: '/', encoding: 'utf8' });
    expect(await cronModule.plan(p, { cron: { ...execResult(r.stdout, r.status) } }, makeContext({ become: true }))).toMatchObject({
      failed: true,
      msg: 'Unable to read crontab',
      actions: [],
    });
    const env = normaliseCron({ name: 'C', job: '3', env: true, insertafter: 'Z', backup: true });
    const [envFact] = cronModule.facts?.(env, makeContext({ become: true })) ?? [];
    const e = spawnSync('sh', ['-c', `crontab() { printf 'A="1"\\n'; }\n${envFact.command}`], { cwd: '/', encoding: 'utf8' });
    expect(await cronModule.plan(env, { cron: execResult(e.stdout, e.status) }, makeContext({ become: true }))).toMatchObject({
      failed: true,
      msg: "Variable named 'Z' not found.",
      actions: [],
    });
    expect(made()).toEqual(before);
  });

  it.skipIf(process.getuid?.() !== 0)(
    "never reads a cron file through another user's link, at its name in a world-writable directory or on its way",
    async () => {
      for (const [file, refusal] of plantedSecretLinks('jobs')) {
        const p = normaliseCron({ name: 'a', job: 'b', user: 'root', cron_file: file });
        const [fact] = cronModule.facts?.(p, makeContext({ become: true })) ?? [];
        const r = spawnSync('sh', ['-c', fact.command], { cwd: '/', encoding: 'utf8' });
        expect(r.stdout).not.toContain('secret');
        const plan = await cronModule.plan(p, { cron: execResult(r.stdout, r.status, r.stderr) }, makeContext({ become: true }));
        expect(plan).toMatchObject({ failed: true, actions: [], msg: expect.stringContaining(refusal) });
      }
    },
  );
});
