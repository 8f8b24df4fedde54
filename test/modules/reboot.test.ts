import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executePlan } from '../../src/engine/run-module.js';
import { ConnectionError } from '../../src/errors/connection-error.js';
import { ModuleArgsError } from '../../src/modules/module-args.js';
import { findProgramCommand, normaliseReboot, rebootModule } from '../../src/modules/reboot.js';
import type { Connection, ExecResult } from '../../src/transport/connection.js';
import { execResult, HOSTILE_NAMES, makeTempDir } from './fixtures.js';
import { makeContext, runShell } from './local-executor.js';

const ctx = makeContext({ become: true });
const facts = (boot: ExecResult, program = execResult('/sbin/shutdown\n')) => ({ boot, program });

describe('reboot: parameters', () => {
  it("has Ansible's defaults: shutdown -r 0 with its message, whoami, the boot id, 600 s", () => {
    expect(normaliseReboot(null)).toEqual({
      preRebootDelay: 0,
      postRebootDelay: 0,
      rebootTimeout: 600,
      connectTimeout: undefined,
      testCommand: 'whoami',
      msg: 'Reboot initiated by Ansible',
      searchPaths: ['/sbin', '/bin', '/usr/sbin', '/usr/bin', '/usr/local/sbin'],
      program: 'shutdown',
      args: "-r 0 'Reboot initiated by Ansible'",
      bootTimeCommand: 'cat /proc/sys/kernel/random/boot_id',
    });
  });

  it.each<[Record<string, unknown>, Record<string, unknown>]>([
    [
      { pre_reboot_delay: 150, msg: "it's $(now)" },
      { preRebootDelay: 150, args: `-r 2 'it'\\''s $(now)'` },
    ],
    [{ reboot_command: 'systemctl reboot -i' }, { program: 'systemctl', args: 'reboot -i' }],
    [{ reboot_command: '/usr/bin/reboot' }, { program: '/usr/bin/reboot', args: '' }],
    [{ search_paths: '/opt/bin' }, { searchPaths: ['/opt/bin'] }],
    [
      { connect_timeout: '0', reboot_timeout: '30', post_reboot_delay: 5 },
      { connectTimeout: undefined, rebootTimeout: 30, postRebootDelay: 5 },
    ],
    [
      { connect_timeout: 7, test_command: 'uptime', boot_time_command: 'uptime -s' },
      { connectTimeout: 7, testCommand: 'uptime', bootTimeCommand: 'uptime -s' },
    ],
  ])('reads %j', (args, expected) => {
    expect(normaliseReboot(args)).toMatchObject(expected);
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ reboot_timeout: -1 }, /'reboot_timeout' must be a non-negative integer/],
    [{ pre_reboot_delay: 'soon' }, /'pre_reboot_delay' must be a non-negative integer/],
    [{ reboot_command: ' reboot' }, /'reboot_command' must start with the command/],
    [{ reboot_timout: 5 }, /did you mean 'reboot_timeout'/],
  ])('rejects %j', (args, message) => {
    expect(() => normaliseReboot(args)).toThrow(ModuleArgsError);
    expect(() => normaliseReboot(args)).toThrow(message);
  });
});

describe('reboot: facts and plan', () => {
  it('reads the boot id and looks for shutdown, as root with become; nothing in check mode', () => {
    const p = normaliseReboot(null);
    expect(rebootModule.facts?.(p, ctx)).toEqual([
      { key: 'boot', command: 'cat /proc/sys/kernel/random/boot_id', become: true },
      { key: 'program', command: findProgramCommand(p), become: true },
    ]);
    expect(rebootModule.facts?.(normaliseReboot({ reboot_command: '/sbin/reboot now' }), ctx)).toHaveLength(1);
    expect(rebootModule.facts?.(p, makeContext({ check: true }))).toEqual([]);
  });

  it('refuses to reboot the controller (a local connection), as Ansible does', async () => {
    const local = makeContext({ local: true });
    expect(rebootModule.facts?.(normaliseReboot(null), local)).toEqual([]);
    expect(await rebootModule.plan(normaliseReboot(null), {}, local)).toEqual({
      changed: false,
      actions: [],
      failed: true,
      msg: 'Running reboot with local connection would reboot the control node.',
      returns: { elapsed: 0, rebooted: false },
    });
  });

  it('reports changed in check mode without running anything, as Ansible does', async () => {
    expect(await rebootModule.plan(normaliseReboot(null), {}, makeContext({ check: true }))).toEqual({
      changed: true,
      actions: [],
      returns: { elapsed: 0, rebooted: true },
    });
  });

  it('reboots, then waits for a new boot id over a new connection, then for the test command', async () => {
    const p = normaliseReboot({ post_reboot_delay: 3, reboot_timeout: 90, connect_timeout: 4, test_command: 'uptime' });
    const plan = await rebootModule.plan(p, facts(execResult('abc\n')), ctx);
    expect(plan).toMatchObject({ changed: true, elapsed: true, returns: { rebooted: true } });
    expect(plan.actions).toEqual([
      {
        kind: 'exec',
        command: "/sbin/shutdown -r 0 'Reboot initiated by Ansible'",
        become: true,
        mayDisconnect: true,
        onFailure: { msg: "Reboot command failed. Error was: '{stdout}, {stderr}'", returns: { rebooted: false } },
      },
      {
        kind: 'await',
        command: 'cat /proc/sys/kernel/random/boot_id',
        become: true,
        differsFrom: 'abc',
        reconnect: true,
        connectTimeout: 4,
        delayMs: 3000,
        timeoutMs: 90_000,
        pauseMs: 'backoff',
        onTimeout: { msg: 'Timed out waiting for last boot time check (timeout=90)', returns: { rebooted: true } },
      },
      {
        kind: 'await',
        command: 'uptime',
        become: true,
        timeoutMs: 90_000,
        pauseMs: 'backoff',
        onTimeout: { msg: 'Timed out waiting for post-reboot test command (timeout=90)', returns: { rebooted: true } },
      },
    ]);
  });

  it.each<[ExecResult, ExecResult, string, Record<string, unknown>]>([
    [
      execResult('', 1, 'cat: no such file\n'),
      execResult('/sbin/shutdown\n'),
      'reboot: failed to get host boot time info, rc: 1, stdout: , stderr: cat: no such file\n',
      { reboot: false },
    ],
    [
      execResult('abc\n'),
      execResult(''),
      `Unable to find command "shutdown" in search paths: ['/sbin', '/bin', '/usr/sbin', '/usr/bin', '/usr/local/sbin']`,
      {},
    ],
  ])('fails before rebooting: %j %j', async (boot, program, msg, returns) => {
    const plan = await rebootModule.plan(normaliseReboot(null), facts(boot, program), ctx);
    expect(plan).toEqual({ changed: false, actions: [], failed: true, msg, ...(Object.keys(returns).length ? { returns } : {}) });
  });

  it('finds the program as a file of any kind, in the first search path that has it, whatever the names', () => {
    // reboot_command's first word is the program: a name without blanks.
    for (const name of HOSTILE_NAMES.filter((n) => !/\s/.test(n))) {
      const dir = makeTempDir();
      const [a, b, c] = ['a', 'b', `c ${name}`].map((d) => join(dir, d));
      for (const d of [a, b, c]) mkdirSync(d);
      symlinkSync('/nonexistent', join(b, name));
      writeFileSync(join(c, name), '');
      const found = runShell(findProgramCommand(normaliseReboot({ reboot_command: `${name} now`, search_paths: [a, c, b] })), '/');
      expect(found).toMatchObject({ rc: 0, stdout: `${join(c, name)}\n` });
      const none = runShell(findProgramCommand(normaliseReboot({ reboot_command: name, search_paths: [a] })), '/');
      expect(none).toMatchObject({ rc: 0, stdout: '' });
    }
  });
});

/** A host that reboots: each connection sees one boot; the reboot command ends the current one. */
class RebootingHost {
  boot = 1;
  readonly commands: string[] = [];
  opened = 0;
  /** Connections refused after the reboot, before the host is back. */
  refusals = 1;
  testFailures = 0;

  open(): Connection {
    if (this.boot > 1 && this.refusals-- > 0) throw new ConnectionError('h1', 'refused', 'h1: connection refused');
    this.opened++;
    const own = this.boot;
    let alive = true;
    const host = this;
    return {
      host: 'h1',
      async exec(command: string): Promise<ExecResult> {
        host.commands.push(`${own}: ${command}`);
        if (!alive || own !== host.boot) throw new ConnectionError('h1', 'closed', 'h1: connection closed');
        if (command.includes('shutdown -r')) {
          host.boot++;
          alive = false;
          throw new ConnectionError('h1', 'closed', 'h1: connection closed');
        }
        if (command.includes('tpx-find')) return execResult('/sbin/shutdown\n');
        if (command.startsWith('/bin/false')) return execResult('out\n', 1, 'err\n');
        if (command.includes('boot_id')) return execResult(`boot-${host.boot}\n`);
        if (command === 'whoami' && host.testFailures-- > 0) return execResult('', 1, 'not yet\n');
        return execResult('root\n');
      },
      put: async () => undefined,
      get: async () => null,
      close: async () => undefined,
    };
  }
}

/** executePlan with a connection that the reboot's reconnect replaces. */
function run(host: RebootingHost, args: Record<string, unknown>) {
  let current: Promise<Connection> | undefined;
  const connection = (): Promise<Connection> => (current ??= Promise.resolve().then(() => host.open()));
  return executePlan({
    module: rebootModule as never,
    args,
    ctx,
    connection,
    reconnect: async () => {
      current = undefined;
      return connection();
    },
  });
}

describe('reboot: through the engine', () => {
  it('returns changed, rebooted and elapsed once the host is back with a new boot id', async () => {
    const host = new RebootingHost();
    host.testFailures = 1;
    const { raw } = await run(host, { reboot_timeout: 30 });
    expect(raw).toEqual({ changed: true, failed: false, rebooted: true, elapsed: expect.any(Number) });
    expect(host.commands).toEqual([
      '1: cat /proc/sys/kernel/random/boot_id',
      expect.stringMatching(/^1: sh -c .* tpx-find shutdown /s),
      "1: /sbin/shutdown -r 0 'Reboot initiated by Ansible'",
      '2: cat /proc/sys/kernel/random/boot_id',
      '2: whoami',
      '2: whoami',
    ]);
  }, 20_000);

  it("fails with Ansible's words when the reboot command fails", async () => {
    const host = new RebootingHost();
    const { raw } = await run(host, { reboot_command: '/bin/false now' });
    expect(raw).toEqual({ changed: false, failed: true, rebooted: false, elapsed: 0, msg: "Reboot command failed. Error was: 'out, err'" });
    expect(host.boot).toBe(1);
  });
});
