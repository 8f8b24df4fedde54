import { describe, expect, it } from 'vitest';
import { backoffMs, judge, runAwait, type AwaitSteps } from '../../src/engine/await-action.js';
import { ConnectionError } from '../../src/errors/connection-error.js';
import type { AwaitAction } from '../../src/modules/module.js';
import type { Connection, ExecResult } from '../../src/transport/connection.js';

const res = (stdout: string, rc: number | null = 0, stderr = ''): ExecResult => ({ rc, signal: null, stdout, stderr, timedOut: false, durationMs: 1 });

const action = (over: Partial<AwaitAction> = {}): AwaitAction => ({
  kind: 'await',
  command: 'cat /proc/sys/kernel/random/boot_id',
  timeoutMs: 60_000,
  pauseMs: 1000,
  onTimeout: { msg: 'timed out: {error}' },
  ...over,
});

/** Each try's answer in turn: a result, or an error thrown by connecting or running. */
type Answer = ExecResult | ConnectionError;

/** A fake clock (sleeping moves it) and a host answering from a script; records what happened. */
function fakeHost(answers: Answer[], over: Partial<AwaitSteps> = {}) {
  let now = 0;
  const log: string[] = [];
  const conn = { host: 'h1' } as Connection;
  const next = (): ExecResult => {
    const a = answers.shift() ?? res('', 1);
    if (a instanceof ConnectionError) throw a;
    return a;
  };
  const steps: AwaitSteps = {
    connection: async () => {
      log.push('connection');
      return conn;
    },
    reconnect: async (t) => {
      log.push(`reconnect ${t ?? '-'}`);
      return conn;
    },
    exec: async () => {
      now += 100;
      return next();
    },
    now: () => now,
    sleep: async (ms) => {
      log.push(`sleep ${ms}`);
      now += ms;
    },
    random: () => 0.5,
    ...over,
  };
  return { steps, log, now: () => now };
}

describe('await action', () => {
  it('waits for a new boot id over a new connection, backing off as Ansible does', async () => {
    const refused = new ConnectionError('h1', 'refused', 'h1: connection refused');
    const h = fakeHost([res('old\n'), refused, refused, res('new\n')]);
    const outcome = await runAwait(action({ differsFrom: 'old', reconnect: true, connectTimeout: 7, delayMs: 2000, pauseMs: 'backoff' }), h.steps);
    expect(outcome).toEqual({ kind: 'passed' });
    expect(h.log).toEqual(['sleep 2000', 'reconnect 7', 'sleep 1500', 'connection', 'sleep 2500', 'reconnect 7', 'sleep 4500', 'reconnect 7']);
  });

  it('times out with what the last try said', async () => {
    const h = fakeHost([res('', 1, 'nope\n'), res('', 1, 'no\n'), res('', 1, 'still no\n')]);
    const outcome = await runAwait(action({ timeoutMs: 2500 }), h.steps);
    expect(outcome).toEqual({ kind: 'timeout', error: 'exit code 1: still no' });
  });

  it('does not wait for a host another run holds', async () => {
    const locked = new ConnectionError('h1', 'locked', 'h1: locked by run X');
    const h = fakeHost([locked]);
    await expect(runAwait(action(), h.steps)).rejects.toBe(locked);
  });

  it("stops at the task's own timeout and when interrupted", async () => {
    const h = fakeHost([res('', 1), res('', 1), res('', 1)], { deadline: 1500 });
    expect(await runAwait(action(), h.steps)).toMatchObject({ kind: 'stopped', result: { timedOut: true } });
    const stop = new AbortController();
    stop.abort();
    const i = fakeHost([res('x')], { signal: stop.signal });
    expect(await runAwait(action(), i.steps)).toMatchObject({ kind: 'stopped' });
  });

  it.each<[ExecResult, string | undefined, string | undefined]>([
    [res('b\n'), 'a', undefined],
    [res('a\n'), 'a', 'boot time has not changed'],
    [res('  \n'), 'a', 'boot time has not changed'],
    [res('', 2, 'sudo: a password is required\n'), 'a', 'exit code 2: sudo: a password is required'],
    [res('anything'), undefined, undefined],
  ])('judges %j against %j', (r, differsFrom, verdict) => {
    expect(judge(action({ differsFrom }), r)).toBe(verdict);
  });

  it('backs off 1, 2, 4, 8, then 12 s, each plus up to 1 s', () => {
    expect([0, 1, 2, 3, 4, 5, 40].map((n) => backoffMs(n, () => 0))).toEqual([1000, 2000, 4000, 8000, 12000, 12000, 12000]);
    expect(backoffMs(0, () => 0.999)).toBe(1999);
  });
});
