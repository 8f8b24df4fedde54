import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  isSysctlKey,
  keptAttributes,
  normaliseSysctl,
  planSysctl,
  type SysctlParams,
  sysctlFactCommand,
  sysctlFixedLines,
  sysctlModule,
} from '../../src/modules/sysctl.js';
import { execResult, plantedSecretLinks } from './fixtures.js';
import { makeContext } from './local-executor.js';

const base = normaliseSysctl({ name: 'net.ipv4.tcp_syn_retries', value: 5, sysctl_file: '/etc/sysctl.d/90-t.conf' });
const fact = (proc: string | undefined, file: string) => ({ sysctl: execResult(`${proc === undefined ? 'noproc' : `proc ${proc}`}\nfile\n${file}`) });

describe('sysctl: parameters', () => {
  it("reads Ansible's aliases, defaults and value rules", () => {
    expect(base).toEqual({
      name: 'net.ipv4.tcp_syn_retries',
      value: '5',
      state: 'present',
      reload: true,
      sysctlSet: false,
      ignoreErrors: false,
      sysctlFile: '/etc/sysctl.d/90-t.conf',
    });
    expect(normaliseSysctl({ key: ' net.x ', val: 'yes' })).toMatchObject({ name: 'net.x', value: '1', sysctlFile: '/etc/sysctl.conf' });
    expect(normaliseSysctl({ name: 'net.x', value: false }).value).toBe('0');
    expect(normaliseSysctl({ name: 'net.x', value: ' 1  0 ' }).value).toBe('1  0');
    expect(normaliseSysctl({ name: 'net.x', state: 'absent' }).value).toBe('');
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ value: 1 }, /name cannot be blank/],
    [{ name: 'net.x' }, /state is present but all of the following are missing: value/],
    [{ name: 'net.x', value: '  ' }, /value cannot be blank/],
    [{ name: 'net.x=1', value: 1 }, /'name' must be a sysctl key/],
    [{ name: '$(id)', value: 1 }, /'name' must be a sysctl key/],
    // sysctl maps the key to a path below /proc/sys: no way out of it, no empty or . or .. part.
    [{ name: 'kernel/../../../etc/shadow', value: 1 }, /'name' must be a sysctl key .* none empty, \. or \.\./],
    [{ name: 'net/./ipv4/ip_forward', value: 1 }, /'name' must be a sysctl key/],
    [{ name: 'net//ipv4', value: 1 }, /'name' must be a sysctl key/],
    [{ name: 'net/ipv4/', value: 1 }, /'name' must be a sysctl key/],
    [{ name: 'net..ipv4', value: 1 }, /'name' must be a sysctl key/],
    [{ name: 'net.ipv4.', value: 1 }, /'name' must be a sysctl key/],
    [{ name: 'net/ipv4/..', value: 1 }, /'name' must be a sysctl key/],
    [{ name: 'net.x', value: 1, sysctl_file: 'rel.conf' }, /'sysctl_file' must be an absolute path/],
  ])('%j is refused', (args, message) => {
    expect(() => normaliseSysctl(args)).toThrow(message);
  });
});

describe('sysctl: keys', () => {
  it.each(['net.ipv4.ip_forward', 'net/ipv4/conf/eth0.100/rp_filter', 'net.ipv4.conf.all.rp_filter', 'kernel/ns_last_pid', 'fs.inotify.max_user_watches'])(
    '%s is a key',
    (key) => {
      expect(isSysctlKey(key)).toBe(true);
    },
  );
});

describe('sysctl: what the host gives back is untrusted (security review)', () => {
  it('a file cut at tpx_output_limit fails the task: it is never written back cut', async () => {
    const facts = { sysctl: { ...execResult('proc 6\nfile\n# many lines\nnet.core.somaxconn=1024\nvm.swap'), stdoutDropped: 2048 } };
    expect(await sysctlModule.plan(base, facts, makeContext({ become: true }))).toMatchObject({
      failed: true,
      actions: [],
      msg: '/etc/sysctl.d/90-t.conf is larger than tpx_output_limit keeps; raise it for this task (vars: { tpx_output_limit: 16M })',
    });
  });

  it.skipIf(process.getuid?.() !== 0)("never reads the file through another user's link, at its name in a world-writable directory or on its way", async () => {
    for (const [file, refusal] of plantedSecretLinks('x.conf')) {
      const p = normaliseSysctl({ name: 'net.ipv4.tcp_syn_retries', value: 5, sysctl_file: file });
      const r = spawnSync('sh', ['-c', sysctlFactCommand(p)], { cwd: '/', encoding: 'utf8' });
      expect(r.stdout).not.toContain('secret');
      const plan = await sysctlModule.plan(p, { sysctl: execResult(r.stdout, r.status, r.stderr) }, makeContext({ become: true }));
      expect(plan).toMatchObject({ failed: true, actions: [], msg: expect.stringContaining(refusal) });
    }
  });
});

describe('sysctl: the file', () => {
  it("rewrites as Ansible does: stripped k=v lines, the key's first line set, repeats dropped, comments kept", () => {
    const lines = ['# comment', ' a = 1 ', 'net.ipv4.tcp_syn_retries = 3', 'a=2', ';x', 'net.ipv4.tcp_syn_retries=4', ''];
    expect(sysctlFixedLines(lines, base)).toEqual(['# comment', 'a=1', 'net.ipv4.tcp_syn_retries=5', ';x', '']);
    expect(sysctlFixedLines(lines, { ...base, state: 'absent' })).toEqual(['# comment', 'a=1', ';x', '']);
    expect(sysctlFixedLines([], base)).toEqual(['net.ipv4.tcp_syn_retries=5']);
  });

  it('is written as the file it replaces (mode, owner, group), or 0644', () => {
    expect(keptAttributes('600 0:4')).toEqual({ mode: 0o600, owner: '0:4', keptOwner: true });
    expect(keptAttributes(undefined)).toEqual({ mode: 0o644 });
    expect(keptAttributes('garbage')).toEqual({ mode: 0o644 });
  });

  it('commands parse as sh (dash -n)', () => {
    // untrustedPathCheck splits ls output on purpose (shellcheck's SC2046): dash -n only.
    expect(spawnSync('dash', ['-n'], { input: sysctlFactCommand(base) }).status).toBe(0);
    const all = planSysctl({ ...base, sysctlSet: true }, fact('6', ''), { check: false, become: true }).actions[0];
    // The shared writeFileCommand splits ls output on purpose (shellcheck's SC2046): dash -n only.
    expect(spawnSync('dash', ['-n'], { input: all.kind === 'exec' ? all.command : '' }).status).toBe(0);
  });
});

describe('sysctl: the plan', () => {
  const steps = (p: SysctlParams, facts: ReturnType<typeof fact>) => {
    const plan = planSysctl(p, facts, { check: false, become: true });
    const [action] = plan.actions;
    return { changed: plan.changed, shown: action?.kind === 'exec' ? action.display : undefined, stdin: action?.kind === 'exec' ? action.stdin : undefined };
  };

  it.each<[string, SysctlParams, ReturnType<typeof fact>, Record<string, unknown>]>([
    [
      'new key: file and reload',
      base,
      fact('6', ''),
      { changed: true, shown: 'write /etc/sysctl.d/90-t.conf, sysctl -p /etc/sysctl.d/90-t.conf', stdin: 'net.ipv4.tcp_syn_retries=5\n' },
    ],
    ['in the file and running', base, fact('5', 'net.ipv4.tcp_syn_retries = 5\n'), { changed: false, shown: undefined }],
    ['in the file, not running: reload', base, fact('6', 'net.ipv4.tcp_syn_retries=5\n'), { changed: true, shown: 'sysctl -p /etc/sysctl.d/90-t.conf' }],
    ['in the file, not running, no reload', { ...base, reload: false }, fact('6', 'net.ipv4.tcp_syn_retries=5\n'), { changed: false }],
    [
      'sysctl_set',
      { ...base, sysctlSet: true, reload: false },
      fact('6', 'net.ipv4.tcp_syn_retries=5\n'),
      { changed: true, shown: 'sysctl -w net.ipv4.tcp_syn_retries' },
    ],
    ['words compared one by one', { ...base, value: '1  0' }, fact('1 0', 'net.ipv4.tcp_syn_retries=1  0\n'), { changed: false }],
    [
      'absent: removed from the file',
      { ...base, state: 'absent', value: '', reload: false },
      fact('6', 'a=1\nnet.ipv4.tcp_syn_retries=5\n'),
      { changed: true, stdin: 'a=1\n' },
    ],
    ['absent already', { ...base, state: 'absent', value: '' }, fact('6', 'a=1\n'), { changed: false }],
    [
      'unknown key, set',
      { ...base, sysctlSet: true },
      fact(undefined, 'net.ipv4.tcp_syn_retries=5\n'),
      { changed: true, shown: 'sysctl -p /etc/sysctl.d/90-t.conf' },
    ],
  ])('%s', (_, p, facts, expected) => {
    expect(steps(p, facts)).toMatchObject(expected);
  });

  it("fails with Ansible's words: the failure is the single action's, the task unchanged", () => {
    const plan = planSysctl({ ...base, ignoreErrors: true }, fact('6', ''), { check: false, become: true });
    expect(plan.actions).toHaveLength(1);
    expect(plan.actions[0]).toMatchObject({ onFailure: { msg: '{stderr}\n' }, become: true });
    expect(plan.actions[0].kind === 'exec' && plan.actions[0].command).toContain('sysctl -e -p /etc/sysctl.d/90-t.conf 2>"$f"');
  });

  it('reports the failure as Ansible words it (the command run by sh, with a stand-in sysctl)', () => {
    const plan = planSysctl({ ...base, reload: true }, fact('6', 'net.ipv4.tcp_syn_retries=5\n'), { check: false, become: false });
    const cmd = plan.actions[0].kind === 'exec' ? plan.actions[0].command : '';
    const r = spawnSync('sh', ['-c', `sysctl() { echo 'sysctl: cannot stat /proc/sys/x: No such file or directory' >&2; return 255; }\n${cmd}`], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('Failed to reload sysctl: sysctl: cannot stat /proc/sys/x: No such file or directory\n');
  });
});
