/**
 * `preflight` asserts: the input checks at the start of the first play run on the
 * controller for every host before anything connects; a failure is bad input (exit 4).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../src/engine/events.js';
import { InputError } from '../../src/errors/input-error.js';
import { createLocalFleet, type LocalFleet } from '../helpers/local-connection.js';
import { fleetInventory, runYaml } from './run-harness.js';

const PLAY = (tasks: string): string => `- name: p\n  hosts: web\n  vars:\n    target_dir: "/opt/kuma/{{ version | default('') }}"\n  tasks:\n${tasks}`;
const CHECK_VERSION = `    - name: check version
      tags: [preflight]
      assert:
        that:
          - version is defined
          - version is match('^[0-9]+\\\\.[0-9]+\\\\.[0-9]+$')
        fail_msg: "version must be like 2.10.1, got {{ version | default('nothing') }}"
`;
const WORK = `    - name: work\n      command: "true"\n`;

let fleet: LocalFleet | undefined;
afterEach(() => fleet?.cleanup());

async function run(playbook: string, extraVars: Record<string, unknown>, inventory = fleetInventory(3), tags: string[] = []) {
  fleet = createLocalFleet();
  const events: string[] = [];
  const bus = new EventBus();
  bus.subscribe((e) => events.push(e.type));
  const result = await runYaml(playbook, inventory, { fleet, bus, extraVars, tags }).then(
    (r) => ({ outcome: r, error: undefined }),
    (error: unknown) => ({ outcome: undefined, error }),
  );
  return { ...result, events, fleet };
}

describe('preflight asserts', () => {
  it.each([
    [{}, 'got nothing'],
    [{ version: '2.10.1/../../../tmp/m' }, 'got 2.10.1/../../../tmp/m'],
  ])('-e %j: exit 4 at the assert line, for every host, and nothing connects or starts', async (vars, shown) => {
    const r = await run(PLAY(CHECK_VERSION + WORK), vars);
    expect(r.error).toBeInstanceOf(InputError);
    const error = r.error as InputError;
    expect(error.exitCode).toBe(4);
    expect(error.problems).toHaveLength(1);
    // The `assert:` key of the task (the playbook text is not on disk here: no source line).
    expect(error.problems[0]).toMatchObject({ line: 8, col: 7 });
    expect(error.problems[0].message).toBe(
      `"check version": version must be like 2.10.1, ${shown} — checked before connecting, for every host (3); nothing was run`,
    );
    expect(r.fleet.calls).toEqual([]);
    expect(r.fleet.connections.size).toBe(0);
    expect(r.events).toEqual([]);
  });

  it.each(['ansible.builtin.assert', 'ansible.legacy.assert'])('an assert written as %s is checked before the run too', async (key) => {
    const r = await run(PLAY(CHECK_VERSION.replace('assert:', `${key}:`) + WORK), {});
    expect((r.error as InputError).exitCode).toBe(4);
    expect(r.fleet.calls).toEqual([]);
  });

  it('names the hosts a host-specific value fails for', async () => {
    const inventory = `all:\n  vars: { version: 2.10.1 }\n  children:\n    web:\n      hosts:\n        h01: {}\n        h02: { version: "2.x" }\n        h03: {}\n`;
    const r = await run(PLAY(CHECK_VERSION + WORK), {}, inventory);
    expect((r.error as InputError).problems[0].message).toMatch(/, got 2\.x — checked before connecting, for 1 of 3 hosts: h02; nothing was run$/);
  });

  it('a good value runs as usual, the assert included', async () => {
    const r = await run(PLAY(CHECK_VERSION + WORK), { version: '2.10.1' });
    expect(r.error).toBeUndefined();
    expect(r.outcome!.outcome.exitCode).toBe(0);
    expect(r.outcome!.results('h01').map((t) => t.status)).toEqual(['ok', 'changed']);
  });

  it('an assert it cannot decide before the run (a registered result), one without the tag, or one after another task is left to the run', async () => {
    const undecidable = `    - name: needs a result\n      tags: [preflight]\n      assert: { that: [ "earlier.rc == 0" ] }\n`;
    const untagged = `    - name: untagged\n      assert: { that: [ "version is defined" ] }\n`;
    const late = `    - name: late\n      tags: [preflight]\n      assert: { that: [ "version is defined" ] }\n`;
    for (const playbook of [PLAY(undecidable + WORK), PLAY(untagged + WORK), PLAY(WORK + late)]) {
      const r = await run(playbook, {});
      expect(r.error).toBeUndefined();
      // The run itself fails those hosts (exit 2), after connecting.
      expect(r.outcome!.outcome.exitCode).toBe(2);
      fleet?.cleanup();
    }
  });

  it('reaches into static blocks at the start (import_tasks is one), with their vars; a block with `when` ends the checks', async () => {
    const indent = (text: string): string => text.replace(/^/gm, '    ').replace(/^ +$/gm, '');
    const inBlock = `    - block:\n${indent(CHECK_VERSION)}      vars:\n        version: "{{ wanted }}"\n`;
    const r = await run(PLAY(inBlock + WORK), { wanted: '2.x' });
    expect((r.error as InputError).problems[0].message).toMatch(/, got 2\.x — checked before connecting, for every host \(3\); nothing was run$/);
    expect(r.fleet.calls).toEqual([]);
    fleet?.cleanup();
    const guarded = inBlock.replace('      vars:', '      when: wanted is defined\n      vars:');
    const later = await run(PLAY(guarded + WORK), { wanted: '2.x' });
    expect(later.error).toBeUndefined();
    expect(later.outcome!.outcome.exitCode).toBe(2);
  });

  it('follows tag selection: a skipped check is not checked before the run either', async () => {
    const tagged = `    - name: work\n      tags: [work]\n      command: "true"\n`;
    const r = await run(PLAY(CHECK_VERSION + tagged), {}, fleetInventory(2), ['work']);
    expect(r.error).toBeUndefined();
    expect(r.outcome!.outcome.exitCode).toBe(0);
  });
});
