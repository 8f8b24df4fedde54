import { dirname } from 'node:path';
import { secretMasker } from '../errors/mask-secrets.js';
import { groupMembers } from '../inventory/group-members.js';
import { getModule } from '../modules/registry.js';
import { closeHostConnections } from './host-connection.js';
import { HostRuntime } from './host-runtime.js';
import { createLimiter } from './limiter.js';
import { buildRunOutcome } from './outcome.js';
import { selectPlayHosts } from './play-hosts.js';
import type { RunContext } from './run-context.js';
import { DEFAULT_FORKS, type HaltInfo, type RunOptions, type RunOutcome } from './run-options.js';
import { resolvePlayKeywords } from './play-keywords.js';
import { resolveRunId } from './run-id.js';
import { preflight } from './preflight.js';
import { runPlay } from './run-play.js';
import { abortableSleep } from './sleep.js';

/**
 * Runs a playbook: its plays in order, each on its hosts in serial batches with its strategy,
 * at most `forks` hosts at once. Emits events on options.bus (never prints); a failed or
 * unreachable host is a result, not an exception. Stops early when a rollout halts or
 * options.signal aborts; connections are closed at the end.
 *
 * The run gets one id, `tpx_run_id` (see run-id.ts), announced in `run-start`.
 *
 * Throws InputError before anything starts (no event, no connection) when a play keyword
 * written as a template (`serial`, `max_fail_percentage`) does not render to a valid value,
 * or when a `preflight` assert of the first play fails (preflight.ts).
 */
export async function runPlaybook(options: RunOptions): Promise<RunOutcome> {
  const runId = resolveRunId(options.extraVars, options.runId);
  const plays = resolvePlayKeywords(options.playbook.plays, options.extraVars, runId, options.vaultSecrets);
  const run = createRunContext(options, runId);
  const playHosts = plays.map((p) => selectPlayHosts(run, p));
  if (plays.length > 0) preflight(run, plays[0], playHosts[0]);
  const targeted = [...new Set(playHosts.flat())];
  const lastPlay = new Map<string, number>();
  playHosts.forEach((hosts, i) => hosts.forEach((h) => lastPlay.set(h, i)));
  run.bus.emit({ type: 'run-start', playbook: options.playbook.file, hosts: targeted, check: options.check, time: new Date().toISOString(), runId });
  const onAbort = (): void => run.bus.emit({ type: 'interrupted', signal: signalName(options.signal) });
  options.signal?.addEventListener('abort', onAbort, { once: true });

  let halted: HaltInfo | null = null;
  const notReached: string[] = [];
  try {
    for (let i = 0; i < plays.length; i++) {
      if (halted || run.interrupted()) {
        notReached.push(...selectPlayHosts(run, plays[i]));
        continue;
      }
      const outcome = await runPlay(run, plays[i], i < plays.length - 1, (h) => lastPlay.get(h) === i);
      notReached.push(...outcome.notReached);
      halted = outcome.halt;
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await closeHostConnections(run.hosts.values());
  }

  const involved = [...run.hosts.values()].filter((h) => targeted.includes(h.name));
  const outcome = buildRunOutcome(involved, { interrupted: run.interrupted(), halted, notReached });
  run.bus.emit({
    type: 'run-end',
    time: new Date().toISOString(),
    stats: outcome.stats,
    interrupted: outcome.interrupted,
    halted: outcome.halted,
    notReached: outcome.notReached,
    stoppedEarly: outcome.stoppedEarly,
  });
  return outcome;
}

function createRunContext(options: RunOptions, runId: string): RunContext {
  const hosts = new Map<string, HostRuntime>();
  for (const host of options.inventory.hosts.values()) hosts.set(host.name, new HostRuntime(host));
  return {
    options,
    bus: options.bus,
    limiter: createLimiter(options.forks > 0 ? Math.floor(options.forks) : DEFAULT_FORKS),
    hosts,
    groups: groupMembers(options.inventory),
    getModule: options.modules ?? getModule,
    playbookDir: options.playbookDir ?? dirname(options.playbook.file),
    runId,
    sleep: options.sleep ?? abortableSleep,
    masker: options.masker ?? secretMasker,
    interrupted: () => options.signal?.aborted === true,
  };
}

function signalName(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  return typeof reason === 'string' ? reason : 'abort';
}
