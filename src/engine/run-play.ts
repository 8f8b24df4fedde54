import type { Play } from '../playbook/types.js';
import { emitHostEnds } from './host-end.js';
import { selectPlayHosts } from './play-hosts.js';
import type { BatchContext, PlayContext, RunContext } from './run-context.js';
import type { HaltInfo } from './run-options.js';
import { splitIntoBatches } from './serial-batches.js';
import { pickStrategy } from './strategy.js';

/** How a play ended. */
export interface PlayOutcome {
  readonly halt: HaltInfo | null;
  /** Hosts left out: later batches after a halt or interrupt, and hosts cut short. */
  readonly notReached: readonly string[];
}

/**
 * Runs one play: its hosts in `serial` batches, one batch after another, each with the
 * play's strategy. After a batch, the rollout halts (later batches untouched) when the batch
 * broke its failure budget, or when every host of it failed and more work was left.
 * `isLastPlay(host)`: this is the host's last play (it gets `host-end` when it completes it).
 */
export async function runPlay(run: RunContext, play: Play, moreAfter: boolean, isLastPlay: (host: string) => boolean = () => !moreAfter): Promise<PlayOutcome> {
  const hosts = selectPlayHosts(run, play);
  run.bus.emit({ type: 'play-start', play: play.name, hosts });
  const playCtx: PlayContext = { run, play, hosts };
  const batches = splitIntoBatches(hosts, play.serial);
  const strategy = pickStrategy(play);
  const notReached: string[] = [];

  for (let i = 0; i < batches.length; i++) {
    const later = batches.slice(i + 1).flat();
    if (run.interrupted()) {
      notReached.push(...batches.slice(i).flat());
      break;
    }
    const batch: BatchContext = { playCtx, number: i + 1, hosts: batches[i], failed: new Set(), halt: null, runOnce: new Map(), completed: new Set() };
    run.bus.emit({ type: 'batch-start', play: play.name, batch: batch.number, batches: batches.length, hosts: batch.hosts });
    for (const h of batch.hosts) run.hosts.get(h)!.notified.clear();
    await strategy(
      batch,
      batch.hosts.filter((h) => run.hosts.get(h)!.alive),
    );
    emitHostEnds(batch, isLastPlay);

    const cut = batch.hosts.filter((h) => !batch.completed.has(h) && run.hosts.get(h)!.alive);
    notReached.push(...cut);
    if (!batch.halt && !run.interrupted() && (later.length > 0 || moreAfter) && batch.hosts.every((h) => !run.hosts.get(h)!.alive)) {
      batch.halt = { play: play.name, batch: batch.number, reason: `every host of batch ${batch.number} failed or was unreachable` };
    }
    if (batch.halt) {
      run.bus.emit({ type: 'batch-halted', play: play.name, batch: batch.number, reason: batch.halt.reason, remaining: [...cut, ...later] });
      notReached.push(...later);
      return { halt: batch.halt, notReached };
    }
    if (batch.ended === 'play') {
      // meta: end_play: the later batches' hosts are done with this play without running it.
      const skipped: BatchContext = { ...batch, number: i + 2, hosts: later.filter((h) => run.hosts.get(h)!.alive), completed: new Set(later) };
      emitHostEnds(skipped, isLastPlay);
      break;
    }
  }
  return { halt: null, notReached };
}
