import { describe, expect, it } from 'vitest';
import { executePlan } from '../../src/engine/run-module.js';
import { ConnectionError } from '../../src/errors/connection-error.js';
import { ModuleArgsError } from '../../src/modules/module-args.js';
import { normaliseWaitForConnection, waitForConnectionModule } from '../../src/modules/wait-for-connection.js';
import type { Connection, ExecResult } from '../../src/transport/connection.js';
import { execResult } from './fixtures.js';
import { makeContext } from './local-executor.js';

describe('wait_for_connection: parameters', () => {
  it("has Ansible's defaults", () => {
    expect(normaliseWaitForConnection(null)).toEqual({ delay: 0, sleep: 1, timeout: 600, connectTimeout: 5 });
    expect(normaliseWaitForConnection({ delay: '2', sleep: 3, timeout: 60, connect_timeout: 10 })).toEqual({
      delay: 2,
      sleep: 3,
      timeout: 60,
      connectTimeout: 10,
    });
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{ timeout: -5 }, /'timeout' must be a non-negative integer/],
    [{ delay: 'later' }, /'delay' must be a non-negative integer/],
    [{ sleeps: 1 }, /did you mean 'sleep'/],
  ])('rejects %j', (args, message) => {
    expect(() => normaliseWaitForConnection(args)).toThrow(ModuleArgsError);
    expect(() => normaliseWaitForConnection(args)).toThrow(message);
  });
});

describe('wait_for_connection: plan', () => {
  it('is skipped in check mode, as in Ansible', async () => {
    expect(await waitForConnectionModule.plan(normaliseWaitForConnection(null), {}, makeContext({ check: true }))).toEqual({
      changed: false,
      actions: [],
      skipped: true,
      returns: { failed: false },
    });
  });

  it('tries a trivial command (with the task become) on the connection it has, then on new ones', async () => {
    const plan = await waitForConnectionModule.plan(normaliseWaitForConnection({ delay: 2, sleep: 3, timeout: 60 }), {}, makeContext({ become: true }));
    expect(plan).toEqual({
      changed: false,
      elapsed: true,
      actions: [
        {
          kind: 'await',
          command: 'true',
          become: true,
          connectTimeout: 5,
          delayMs: 2000,
          timeoutMs: 60_000,
          pauseMs: 3000,
          onTimeout: { msg: 'timed out waiting for ping module test: {error}' },
        },
      ],
    });
  });
});

/** executePlan with connections from `open`: each call to it is one connect. */
function run(args: Record<string, unknown>, open: () => Connection) {
  let current: Promise<Connection> | undefined;
  const connection = (): Promise<Connection> => (current ??= Promise.resolve().then(open));
  const reconnects: (number | undefined)[] = [];
  const outcome = executePlan({
    module: waitForConnectionModule as never,
    args,
    ctx: makeContext(),
    connection,
    reconnect: async (t) => {
      reconnects.push(t);
      current = undefined;
      return connection();
    },
  });
  return { outcome, reconnects };
}

const answering = (res: ExecResult): Connection => ({
  host: 'h1',
  exec: async () => res,
  put: async () => undefined,
  get: async () => null,
  close: async () => undefined,
});

describe('wait_for_connection: through the engine', () => {
  it('returns elapsed once a connection works, reconnecting with connect_timeout after each failure', async () => {
    let tries = 0;
    const { outcome, reconnects } = run({ sleep: 0, connect_timeout: 2 }, () => {
      if (++tries < 3) throw new ConnectionError('h1', 'refused', 'h1: connection refused');
      return answering(execResult(''));
    });
    expect((await outcome).raw).toEqual({ changed: false, failed: false, elapsed: 0 });
    expect(reconnects).toEqual([2, 2]);
  });

  it("fails with Ansible's message and the last error when time runs out", async () => {
    const { outcome } = run({ sleep: 0, timeout: 1 }, () => {
      throw new ConnectionError('h1', 'timeout', 'h1: no answer within 5 s');
    });
    expect((await outcome).raw).toEqual({ changed: false, failed: true, elapsed: 1, msg: 'timed out waiting for ping module test: h1: no answer within 5 s' });
  });

  it('leaves a host that another run holds: unreachable', async () => {
    const { outcome } = run({ sleep: 0 }, () => {
      throw new ConnectionError('h1', 'locked', 'h1: locked by run X');
    });
    await expect(outcome).rejects.toThrow('locked by run X');
  });
});
