import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConnectionError } from '../../src/errors/connection-error.js';
import { TransferError } from '../../src/errors/transfer-error.js';
import type { Connection, ExecOptions, ExecResult, PutOptions } from '../../src/transport/connection.js';
import { createLocalFleet, type LocalConnection, type LocalFleet } from '../helpers/local-connection.js';
import { fleetInventory } from './run-harness.js';
import { trackRuns } from './track-runs.js';

const run = trackRuns();

/**
 * A local fleet whose connections break on cue: a command containing "DROP" runs, then its
 * connection dies as if the network went away mid-command (`closed`), as many times as the
 * host's `drops` file says ("always" for every time). `put` to a path containing "DENIED"
 * fails like SFTP's "Permission denied", and so does a write (mktemp) into it; the word "SUDO" in a
 * command fails like sudo refusing.
 */
function flakyFleet(): LocalFleet & { connectCount(host: string): number } {
  const fleet = createLocalFleet();
  const counts = new Map<string, number>();
  const takeDrop = (host: string): boolean => {
    const file = join(fleet.hostDir(host), 'drops');
    if (!existsSync(file)) return false;
    const left = readFileSync(file, 'utf8').trim();
    if (left === 'always') return true;
    const n = Number(left);
    if (!(n > 0)) return false;
    writeFileSync(file, String(n - 1));
    return true;
  };
  const wrap = (inner: LocalConnection): Connection => ({
    host: inner.host,
    async exec(command: string, options?: ExecOptions): Promise<ExecResult> {
      // The word alone: the write path's own commands read $SUDO_UID.
      if (/\bSUDO\b/.test(command)) throw new ConnectionError(inner.host, 'become', `${inner.host}: sudo: a password is required`);
      // Modules write files with an exec (content on stdin, mktemp beside dest): refused as on a real host.
      if (command.includes('DENIED') && command.includes('mktemp')) {
        return { rc: 1, signal: null, stdout: '', stderr: 'mktemp: failed to create file via template: Permission denied\n', timedOut: false, durationMs: 1 };
      }
      const result = await inner.exec(command, options);
      if (command.includes('DROP') && takeDrop(inner.host)) {
        inner.closed = true;
        throw new ConnectionError(inner.host, 'closed', `${inner.host}: the connection closed while running \`${command.slice(0, 30)}\``);
      }
      return result;
    },
    async put(content: string | Buffer, path: string, options?: PutOptions): Promise<void> {
      if (path.includes('DENIED')) throw new TransferError(inner.host, path, `${inner.host}: uploading ${path} failed: Permission denied`);
      return inner.put(content, path, options);
    },
    get: (path) => inner.get(path),
    close: () => inner.close(),
  });
  return {
    ...fleet,
    async connect(host, vars) {
      counts.set(host, (counts.get(host) ?? 0) + 1);
      return wrap((await fleet.connect(host, vars)) as LocalConnection);
    },
    connectCount: (host) => counts.get(host) ?? 0,
  };
}

/** The upgrade playbook's re-attach pattern: exit 3 while the host-side work still runs. */
const APPLY = `
- hosts: web
  tasks:
    - name: apply
      shell: "echo run >> attempts; DROP=1 true; test -f done && echo '{\\"changed\\": true}' || { touch done; exit 3; }"
      register: upgrade
      changed_when: (upgrade.stdout | from_json).changed
      failed_when: upgrade.rc != 0
      retries: 5
      delay: 2
      until: upgrade.rc != 3 and upgrade.rc != 255
    - name: after
      command: touch after
`;

describe('a connection lost during a task with retries/until', () => {
  it('counts as a failed attempt (rc 255, unreachable, "connection lost: …") and the next attempt runs on a new connection', async () => {
    const fleet = flakyFleet();
    writeFileSync(join(fleet.hostDir('h01'), 'drops'), '2');
    const r = await run(APPLY, fleetInventory(2), { fleet });
    // h01: attempt 1 started the work (rc 3) and attempt 2 finished it (rc 0), each losing its
    // connection before the result came back; attempt 3 re-attached and saw it done.
    expect(r.fleet.readHostFile('h01', 'attempts')).toBe('run\n'.repeat(3));
    expect(r.result('h01', 'apply')).toMatchObject({ status: 'changed', rc: 0 });
    expect(r.fleet.readHostFile('h01', 'after')).toBe('');
    expect(fleet.connectCount('h01')).toBe(3);
    expect(
      fleet.connections
        .get('h01')!
        .slice(0, 2)
        .every((c) => c.closed),
    ).toBe(true);
    const warnings = r.events.filter((e) => e.type === 'warning' && e.host === 'h01');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatchObject({
      task: 'apply',
      msg: expect.stringMatching(/^connection lost: h01: the connection closed .*\(attempt 1 of 6\); retrying on a new connection$/),
    });
    expect(r.outcome.stats.h01).toMatchObject({ changed: 2, unreachable: 0, failed: 0 });
    expect(r.outcome.exitCode).toBe(0);
    expect(fleet.connectCount('h02')).toBe(1);
  });

  it("a delegated task that loses the delegate's connection drops that one, never the host's own", async () => {
    const fleet = flakyFleet();
    writeFileSync(join(fleet.hostDir('h02'), 'drops'), '1');
    const r = await run(
      `
- hosts: h01
  tasks:
    - name: own first
      command: touch own
    - name: on the delegate
      shell: "DROP=1; echo try >> delegated; wc -l < delegated"
      delegate_to: h02
      register: d
      until: d.stdout | int >= 2
      retries: 2
      delay: 0
    - name: own after
      command: touch own-after
`,
      fleetInventory(2),
      { fleet },
    );
    expect(r.result('h01', 'on the delegate')).toMatchObject({ status: 'changed' });
    expect(r.fleet.readHostFile('h02', 'delegated')).toBe('try\ntry\n');
    expect(r.fleet.readHostFile('h01', 'own-after')).toBe('');
    // h01's own connection was kept; the delegate's broken one was opened again.
    expect(fleet.connectCount('h01')).toBe(1);
    expect(fleet.connectCount('h02')).toBe(2);
  });

  it('the attempt after a lost one sees the host as it was left; the result carries attempts', async () => {
    const fleet = flakyFleet();
    writeFileSync(join(fleet.hostDir('h01'), 'drops'), '1');
    const r = await run(
      `
- hosts: web
  tasks:
    - name: probe
      shell: "DROP=1; echo try >> log; wc -l < log"
      register: p
      until: p.stdout | int >= 2
      retries: 3
    - name: show
      debug: { msg: "{{ p.attempts }} {{ p.rc }} {{ p.stdout }}" }
`,
      fleetInventory(1),
      { fleet },
    );
    expect(r.result('h01', 'show')?.msg).toBe('2 0 2');
  });

  it('when the attempts run out on a lost connection the host is unreachable; its later tasks and plays are not attempted', async () => {
    const fleet = flakyFleet();
    writeFileSync(join(fleet.hostDir('h01'), 'drops'), 'always');
    const r = await run(APPLY + '- hosts: web\n  tasks:\n    - name: next play\n      command: touch next\n', fleetInventory(2), { fleet });
    const apply = r.result('h01', 'apply')!;
    expect(apply).toMatchObject({ status: 'unreachable', rc: 255 });
    expect(apply.msg).toMatch(/^connection lost: h01: the connection closed/);
    expect(r.fleet.readHostFile('h01', 'attempts')).toBe('run\n'.repeat(6));
    expect(r.result('h01', 'after')).toBeUndefined();
    expect(r.result('h01', 'next play')).toBeUndefined();
    expect(r.fleet.readHostFile('h02', 'next')).toBe('');
    expect(r.events.filter((e) => e.type === 'host-unreachable')).toEqual([{ type: 'host-unreachable', host: 'h01', kind: 'closed', msg: apply.msg }]);
    expect(r.outcome.stats.h01).toMatchObject({ unreachable: 1, failed: 0 });
    expect(r.outcome.exitCode).toBe(3);
  });

  it('a reconnect that fails counts as a failed attempt too, then the host is unreachable', async () => {
    const fleet = flakyFleet();
    writeFileSync(join(fleet.hostDir('h01'), 'drops'), '1');
    const again = flakyFleet();
    writeFileSync(join(again.hostDir('h01'), 'drops'), '1');
    const original = again.connect.bind(again);
    const refusing = {
      ...again,
      connect: async (host: string, vars: Record<string, unknown>) => {
        if (again.connectCount(host) >= 1) {
          again.unreachable.add(host);
        }
        return original(host, vars);
      },
    };
    const r2 = await run(
      `
- hosts: web
  tasks:
    - name: apply
      shell: "DROP=1; touch ran"
      register: a
      until: a.rc == 0
      retries: 2
`,
      fleetInventory(1),
      { fleet: refusing },
    );
    const res = r2.result('h01', 'apply')!;
    expect(res.status).toBe('unreachable');
    expect(res.msg).toBe('connection lost: h01: connection refused');
    expect(r2.events.filter((e) => e.type === 'warning').map((e) => (e.type === 'warning' ? e.msg : ''))).toEqual([
      expect.stringMatching(/^connection lost: h01: the connection closed.*\(attempt 1 of 3\)/),
      'connection lost: h01: connection refused (attempt 2 of 3); retrying on a new connection',
    ]);
  });

  it('a host that cannot be connected at all is unreachable at once, even with retries', async () => {
    const fleet = flakyFleet();
    fleet.unreachable.add('h01');
    const r = await run(APPLY, fleetInventory(1), { fleet });
    expect(r.result('h01', 'apply')).toMatchObject({ status: 'unreachable', msg: 'h01: connection refused' });
    expect(fleet.connectCount('h01')).toBe(1);
    expect(r.events.some((e) => e.type === 'warning')).toBe(false);
  });
});

describe('a connection lost in a task without retries', () => {
  it('makes the host unreachable with "connection lost"; no later task, handler or play runs on it; no reconnect', async () => {
    const fleet = flakyFleet();
    writeFileSync(join(fleet.hostDir('h02'), 'drops'), '1');
    const r = await run(
      `
- hosts: web
  tasks:
    - name: cut
      shell: "DROP=1; touch cut"
      notify: h
    - name: later
      command: touch later
  handlers:
    - name: h
      command: touch handled
- hosts: web
  tasks:
    - name: next play
      command: touch next
`,
      fleetInventory(2),
      { fleet },
    );
    expect(r.result('h02', 'cut')).toMatchObject({ status: 'unreachable', msg: expect.stringMatching(/^connection lost: h02: the connection closed/) });
    for (const task of ['later', 'h', 'next play']) expect(r.result('h02', task)).toBeUndefined();
    expect(r.fleet.readHostFile('h02', 'later')).toBeUndefined();
    expect(r.fleet.readHostFile('h01', 'handled')).toBe('');
    expect(fleet.connectCount('h02')).toBe(1);
    expect(r.outcome.hostStatus.h02).toBe('unreachable');
  });

  it('ignore_errors does not ignore a lost connection; a rescue does not run for it', async () => {
    const fleet = flakyFleet();
    writeFileSync(join(fleet.hostDir('h01'), 'drops'), '1');
    const r = await run(
      `
- hosts: web
  tasks:
    - block:
        - name: cut
          shell: "DROP=1"
          ignore_errors: true
      rescue:
        - name: rescued
          command: touch rescued
`,
      fleetInventory(1),
      { fleet },
    );
    expect(r.result('h01', 'cut')?.status).toBe('unreachable');
    expect(r.result('h01', 'rescued')).toBeUndefined();
  });
});

describe('errors on a live connection are task failures, not unreachable', () => {
  it('an upload refused (Permission denied) fails the task with a clear msg; the host goes on in rescue', async () => {
    const fleet = flakyFleet();
    mkdirSync(join(fleet.hostDir('h01'), 'DENIED'));
    const r = await run(
      `
- hosts: web
  tasks:
    - block:
        - name: upload
          copy: { content: "x\\n", dest: DENIED/file }
      rescue:
        - name: after the failure
          command: touch rescued
`,
      fleetInventory(1),
      { fleet },
    );
    expect(r.result('h01', 'upload')).toMatchObject({
      status: 'rescued',
      msg: 'write DENIED/file (2 bytes from stdin): exit code 1: mktemp: failed to create file via template: Permission denied',
    });
    expect(r.fleet.readHostFile('h01', 'rescued')).toBe('');
    expect(r.events.some((e) => e.type === 'host-unreachable')).toBe(false);
    expect(r.outcome.stats.h01.unreachable).toBe(0);
  });

  it('sudo refusing (become) fails the task, the host stays reachable', async () => {
    const fleet = flakyFleet();
    const r = await run(
      `
- hosts: web
  tasks:
    - name: needs sudo
      command: echo SUDO
      ignore_errors: true
    - name: next
      command: touch next
`,
      fleetInventory(1),
      { fleet },
    );
    expect(r.result('h01', 'needs sudo')).toMatchObject({ status: 'failed', ignored: true, msg: 'h01: sudo: a password is required' });
    expect(r.fleet.readHostFile('h01', 'next')).toBe('');
    expect(r.outcome.exitCode).toBe(0);
  });
});

describe('a no_log task that loses its connection', () => {
  it('names neither its command nor its output in warnings, host-unreachable or its result', async () => {
    const fleet = flakyFleet();
    writeFileSync(join(fleet.hostDir('h01'), 'drops'), 'always');
    const r = await run(
      `
- hosts: web
  tasks:
    - name: secret step
      shell: "echo TOKEN-s3cr3t; DROP=1 true"
      no_log: true
      register: s
      retries: 1
      delay: 0
      until: s.rc == 0
`,
      fleetInventory(1),
      { fleet },
    );
    expect(r.result('h01', 'secret step')).toMatchObject({ status: 'unreachable', censored: true });
    expect(r.events.filter((e) => e.type === 'warning')).toHaveLength(1);
    expect(r.events.find((e) => e.type === 'host-unreachable')).toMatchObject({ kind: 'closed', msg: 'the output has been hidden due to no_log: true' });
    expect(JSON.stringify(r.events)).not.toContain('s3cr3t');
  });
});
