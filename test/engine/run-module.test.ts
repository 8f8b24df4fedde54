import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executePlan, type ExecuteRequest } from '../../src/engine/run-module.js';
import type { ModuleParams } from '../../src/modules/params/module-params.js';
import type { ModuleDefinition, PlanContext } from '../../src/modules/module.js';
import { LocalConnection, type LocalCall } from '../helpers/local-connection.js';

/** Parameters of the made-up modules below: nothing here reads them. */
const TEST_PARAMS: ModuleParams = { name: 'test', description: 'A module made up for this test.', example: 'test: {}', schema: {} };

let dir: string;
let calls: LocalCall[];
let conn: LocalConnection;
let opened: number;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tpx-exec-'));
  calls = [];
  conn = new LocalConnection('h1', dir, calls);
  opened = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ctx = (over: Partial<PlanContext> = {}): PlanContext => ({
  host: 'h1',
  check: false,
  diff: false,
  become: false,
  becomeUser: 'root',
  playbookDir: dir,
  vars: {},
  verbosity: 0,
  ...over,
});

/** A module that writes `content` to `path` when the file's content differs (read as a fact). */
const writeModule: ModuleDefinition<{ path: string; content: string }> = {
  name: 'write',
  params: TEST_PARAMS,
  facts: (p) => [{ key: 'current', command: `cat ${p.path} 2>/dev/null` }],
  plan: (p, facts) => {
    const same = facts.current.stdout === p.content;
    return same
      ? { changed: false, actions: [] }
      : {
          changed: true,
          diff: `- ${facts.current.stdout}\n+ ${p.content}`,
          actions: [
            { kind: 'put', content: p.content, path: `${p.path}.tmp`, mode: 0o600 },
            { kind: 'exec', command: `mv ${p.path}.tmp ${p.path} && echo moved && echo warn >&2`, become: true, display: 'mv' },
          ],
        };
  },
};

function request(over: Partial<ExecuteRequest> & { module: ModuleDefinition; args: Record<string, unknown> }): ExecuteRequest {
  return {
    ctx: ctx(),
    connection: async () => {
      opened++;
      return conn;
    },
    ...over,
  };
}

describe('executePlan', () => {
  it('reads facts, plans, then runs put and exec actions in order', async () => {
    const commands: string[] = [];
    const output: string[] = [];
    const out = await executePlan(
      request({
        module: writeModule as ModuleDefinition,
        args: { path: 'f.txt', content: 'new' },
        onCommand: (c, kind) => commands.push(`${kind}:${c}`),
        onOutput: (s, c) => output.push(`${s}:${c.trim()}`),
      }),
    );
    expect(out.raw).toMatchObject({ changed: true, failed: false, diff: '- \n+ new' });
    expect(readFileSync(join(dir, 'f.txt'), 'utf8')).toBe('new');
    expect(commands).toEqual(['fact:cat f.txt 2>/dev/null', 'action:put f.txt.tmp', 'action:mv']);
    expect(output.sort()).toEqual(['stderr:warn', 'stdout:moved']);
    expect(calls.find((c) => c.command?.startsWith('mv'))).toMatchObject({ become: true, becomeUser: 'root' });
    expect(calls.find((c) => c.command?.startsWith('cat'))?.become).toBe(false);

    const again = await executePlan(request({ module: writeModule as ModuleDefinition, args: { path: 'f.txt', content: 'new' } }));
    expect(again.raw).toMatchObject({ changed: false, failed: false });
  });

  it("a plan's notices go to onNotice, in check mode too, and never into the result", async () => {
    const noticing: ModuleDefinition = {
      name: 'noticing',
      params: TEST_PARAMS,
      plan: () => ({ changed: false, actions: [], notices: ['Ignoring "sleep" as it is not used in "systemd"'] }),
    };
    for (const check of [false, true]) {
      const shown: string[] = [];
      const out = await executePlan(request({ module: noticing, args: {}, ctx: ctx({ check }), onNotice: (m) => shown.push(m) }));
      expect(shown).toEqual(['Ignoring "sleep" as it is not used in "systemd"']);
      expect(JSON.stringify(out.raw)).not.toContain('Ignoring');
    }
  });

  it('in check mode reports the change and its diff without running actions', async () => {
    const out = await executePlan(request({ module: writeModule as ModuleDefinition, args: { path: 'g.txt', content: 'x' }, ctx: ctx({ check: true }) }));
    expect(out.raw).toMatchObject({ changed: true, diff: '- \n+ x' });
    expect(calls.map((c) => c.kind)).toEqual(['exec']);
  });

  it('a failing exec action stops the task with rc, stderr and a message', async () => {
    const failing: ModuleDefinition = {
      name: 'two',
      params: TEST_PARAMS,
      plan: () => ({
        changed: true,
        actions: [
          { kind: 'exec', command: 'echo nope >&2; exit 4', display: 'step one' },
          { kind: 'exec', command: 'touch never' },
        ],
      }),
    };
    const out = await executePlan(request({ module: failing, args: {} }));
    expect(out.raw).toMatchObject({ failed: true, rc: 4, stderr: 'nope', msg: 'step one: exit code 4: nope' });
    expect(calls.some((c) => c.command === 'touch never')).toBe(false);
  });

  it("a module's one-trip command replaces facts and actions outside check mode; its result settles the task", async () => {
    const tripping: ModuleDefinition<{ path: string }> = {
      ...(writeModule as unknown as ModuleDefinition<{ path: string }>),
      name: 'tripping',
      oneTrip: (p) => ({
        command: `if [ -f ${p.path} ]; then echo same; else cat > ${p.path}; fi`,
        stdin: 'sent\n',
        become: true,
        settle: (r) =>
          r.rc !== 0
            ? { changed: false, actions: [], failed: true, msg: 'broke' }
            : { changed: !r.stdout.includes('same'), actions: [], msg: 'm', returns: { path: p.path } },
      }),
    };
    const commands: string[] = [];
    const first = await executePlan(
      request({ module: tripping as ModuleDefinition, args: { path: 't.txt', content: 'x' }, onCommand: (_c, kind) => commands.push(kind) }),
    );
    expect(first.raw).toMatchObject({ changed: true, failed: false, msg: 'm', path: 't.txt' });
    expect(readFileSync(join(dir, 't.txt'), 'utf8')).toBe('sent\n');
    expect(commands).toEqual(['action']);
    expect(calls.filter((c) => c.kind === 'exec')).toHaveLength(1);
    expect(calls[0]).toMatchObject({ become: true });
    const again = await executePlan(request({ module: tripping as ModuleDefinition, args: { path: 't.txt', content: 'x' } }));
    expect(again.raw).toMatchObject({ changed: false, failed: false });
    // Check mode never runs it: the facts and the plan answer, nothing is written.
    const check = await executePlan(request({ module: tripping as ModuleDefinition, args: { path: 'u.txt', content: 'x' }, ctx: ctx({ check: true }) }));
    expect(check.raw).toMatchObject({ changed: true });
    expect(calls.at(-1)?.command).toBe('cat u.txt 2>/dev/null');
    const broken = await executePlan(request({ module: tripping as ModuleDefinition, args: { path: 'no/such/dir', content: 'x' } }));
    // A failed command's rc and output are in the result, as a failed action's are.
    expect(broken.raw).toMatchObject({ changed: false, failed: true, msg: 'broke', rc: 1 });
    expect(broken.raw.stderr).toMatch(/no\/such\/dir/);
  });

  it('local modules never open the connection; set_fact facts come back', async () => {
    const local: ModuleDefinition = { name: 'loc', params: TEST_PARAMS, local: true, plan: () => ({ changed: false, actions: [], facts: { a: 1 }, msg: 'm' }) };
    const out = await executePlan(request({ module: local, args: {} }));
    expect(opened).toBe(0);
    expect(out.facts).toEqual({ a: 1 });
    expect(out.raw).toMatchObject({ changed: false, msg: 'm', ansible_facts: { a: 1 } });
  });

  it('normalise errors, plan.failed and plan.skipped become results', async () => {
    const bad: ModuleDefinition = {
      name: 'bad',
      params: TEST_PARAMS,
      normalise: () => {
        throw new Error("missing required argument 'dest'");
      },
      plan: () => ({ changed: false, actions: [] }),
    };
    expect((await executePlan(request({ module: bad, args: {} }))).raw).toMatchObject({ failed: true, msg: "bad: missing required argument 'dest'" });
    const assertLike: ModuleDefinition = {
      name: 'a',
      params: TEST_PARAMS,
      local: true,
      plan: () => ({ changed: false, actions: [], failed: true, msg: 'Assertion failed' }),
    };
    expect((await executePlan(request({ module: assertLike, args: {} }))).raw).toMatchObject({ failed: true, msg: 'Assertion failed' });
    const skip: ModuleDefinition = {
      name: 's',
      params: TEST_PARAMS,
      local: true,
      plan: () => ({ changed: false, actions: [], skipped: true, msg: 'Verbosity threshold not met.' }),
    };
    expect((await executePlan(request({ module: skip, args: {} }))).raw).toMatchObject({ skipped: true, changed: false });
  });

  it('command-like modules: the last exec is the result, skipped in check mode', async () => {
    const cmd: ModuleDefinition = {
      name: 'cmd',
      params: TEST_PARAMS,
      plan: () => ({ changed: true, actions: [{ kind: 'exec', command: 'printf "a\\nb\\n"; exit 2' }], resultFromLastExec: true, skipInCheckMode: true }),
    };
    const out = await executePlan(request({ module: cmd, args: {} }));
    expect(out.raw).toMatchObject({ rc: 2, stdout: 'a\nb', stdout_lines: ['a', 'b'], failed: true, msg: 'non-zero return code', changed: true });
    const check = await executePlan(request({ module: cmd, args: {}, ctx: ctx({ check: true }) }));
    expect(check.raw).toMatchObject({ skipped: true, changed: false });
    expect(calls).toHaveLength(1);
  });

  it('a timeout covers facts and actions together', async () => {
    const slow: ModuleDefinition = {
      name: 'slow',
      params: TEST_PARAMS,
      facts: () => [{ key: 'f', command: 'sleep 0.3' }],
      plan: () => ({ changed: true, actions: [{ kind: 'exec', command: 'sleep 30' }] }),
    };
    const started = Date.now();
    const out = await executePlan(request({ module: slow, args: {}, timeoutMs: 800 }));
    // Cut short: long before the 30 s sleep would have ended.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(out.raw).toMatchObject({ failed: true, timedout: true });
    const last = calls.at(-1)!;
    expect(last.timeoutMs).toBeLessThan(800);
  });

  it('gives a fact command its stdin (what must stay off command lines), and a failed plan keeps its changed', async () => {
    const echo: ModuleDefinition = {
      name: 'echo',
      params: TEST_PARAMS,
      facts: () => [{ key: 'in', command: 'cat', stdin: 'from stdin' }],
      plan: (_p, facts) => ({ changed: true, failed: true, actions: [], msg: `got ${facts.in.stdout}` }),
    };
    const out = await executePlan(request({ module: echo, args: {} }));
    expect(out.raw).toMatchObject({ changed: true, failed: true, msg: 'got from stdin' });
  });
});
