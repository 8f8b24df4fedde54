import { EventBus, type EngineEvent } from '../../src/engine/events.js';
import type { TaskResult } from '../../src/engine/results.js';
import { runPlaybook } from '../../src/engine/run-playbook.js';
import { SecretMasker } from '../../src/errors/mask-secrets.js';
import type { RunOptions, RunOutcome } from '../../src/engine/run-options.js';
import { loadInventoryText } from '../../src/inventory/load-inventory.js';
import type { Inventory } from '../../src/inventory/types.js';
import { loadPlaybookText } from '../../src/playbook/load-playbook.js';
import { createLocalFleet, type LocalFleet } from '../helpers/local-connection.js';

/** An inventory of `n` hosts h01..hNN in group `web`, plus extra YAML when given. */
export function fleetInventory(n: number, vars: Record<string, unknown> = {}): string {
  const hosts = Array.from({ length: n }, (_, i) => `        h${String(i + 1).padStart(2, '0')}: {}`).join('\n');
  return `all:\n  vars: ${JSON.stringify(vars)}\n  children:\n    web:\n      hosts:\n${hosts}\n`;
}

export function parseInventory(yaml: string): Inventory {
  return loadInventoryText(yaml, 'inventory.yaml');
}

export interface HarnessRun {
  readonly outcome: RunOutcome;
  readonly events: EngineEvent[];
  readonly fleet: LocalFleet;
  /** task-end results of one host, in order. */
  results(host: string): TaskResult[];
  /** The result of a task on a host (the last one with that name). */
  result(host: string, task: string): TaskResult | undefined;
  /** Order of task-end events as "host:task". */
  order(): string[];
}

/**
 * Runs a YAML playbook with the local fleet (bash in a temp dir per host). The fleet is
 * kept for assertions; call `fleet.cleanup()` (the tests do it in afterEach through `track`).
 */
export async function runYaml(
  playbookYaml: string,
  inventoryYaml: string,
  options: Partial<Omit<RunOptions, 'playbook' | 'inventory' | 'bus' | 'connect'>> & { fleet?: LocalFleet; bus?: EventBus } = {},
): Promise<HarnessRun> {
  const fleet = options.fleet ?? createLocalFleet();
  const bus = options.bus ?? new EventBus();
  const events: EngineEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const inventory = parseInventory(inventoryYaml);
  const playbook = loadPlaybookText(playbookYaml, `${fleet.root}/playbook.yaml`, { inventory });
  const outcome = await runPlaybook({
    extraVars: {},
    forks: 50,
    check: false,
    diff: false,
    tags: [],
    skipTags: [],
    verbosity: 0,
    sleep: async () => undefined,
    // A masker per run: what one run's no_log tasks taught it must not mask another test's output.
    masker: new SecretMasker(),
    ...options,
    playbook,
    inventory,
    bus,
    connect: (host, vars) => fleet.connect(host, vars),
  });
  const ends = (): TaskResult[] => events.flatMap((e) => (e.type === 'task-end' ? [e.result] : []));
  return {
    outcome,
    events,
    fleet,
    results: (host) => ends().filter((r) => r.host === host),
    result: (host, task) =>
      ends()
        .filter((r) => r.host === host && r.task === task)
        .pop(),
    order: () => ends().map((r) => `${r.host}:${r.task}`),
  };
}
