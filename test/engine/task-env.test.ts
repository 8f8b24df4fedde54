import { describe, expect, it } from 'vitest';
import { HostRuntime } from '../../src/engine/host-runtime.js';
import type { BatchContext, RunContext } from '../../src/engine/run-context.js';
import { createPlayScope, enterScope } from '../../src/engine/scope.js';
import { type TaskEnv, varsFor } from '../../src/engine/task-env.js';
import type { InventoryHost } from '../../src/inventory/types.js';
import type { Play, Task } from '../../src/playbook/types.js';

/** Just what building a task's variables reads. */
function envOf(): TaskEnv {
  const inventory = { name: 'h01', vars: { colour: 'blue' }, groupNames: ['web'] } as unknown as InventoryHost;
  const host = new HostRuntime(inventory);
  const play = { name: 'p', vars: {}, varsFiles: [], roleDefaults: {}, roleVars: {}, tags: [] } as unknown as Play;
  const run = {
    options: { extraVars: {}, diff: false, verbosity: 0 },
    hosts: new Map([['h01', host]]),
    groups: { all: ['h01'] },
    playbookDir: '/',
    runId: 'r1',
  } as unknown as RunContext;
  const batch = { playCtx: { run, play, hosts: ['h01'] }, hosts: ['h01'] } as unknown as BatchContext;
  const task = { name: 't', module: 'debug', args: {}, when: [], tags: [], vars: { shade: '{{ colour }}' } } as unknown as Task;
  return { run, batch, host, task, scope: enterScope(createPlayScope(play), task), name: 't', check: false };
}

describe('varsFor', () => {
  it("builds a task's variables on a host once: every step without final values reads the same view", () => {
    const env = envOf();
    const first = varsFor(env);
    expect(first.shade).toBe('blue');
    // The task's name rendered first, then the task run with it: another TaskEnv, the same scope and host.
    expect(varsFor({ ...env, name: 'rendered t' })).toBe(first);
    // A loop item or a registered result on top: a view of its own.
    const withItem = varsFor(env, { item: 1 });
    expect(withItem).not.toBe(first);
    expect(withItem.item).toBe(1);
    // The same task run again (a handler flushed twice): a new scope, new variables.
    expect(varsFor({ ...env, scope: enterScope(env.scope, env.task) })).not.toBe(first);
  });
});
