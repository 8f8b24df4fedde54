import type { BatchContext } from './run-context.js';

/**
 * After a batch: `host-end` for each of its hosts that is done with the run — dropped out
 * (failed or unreachable), or through the play that is its last (`isLastPlay`). Hosts cut
 * short by a halt or an interrupt get none, nor do hosts failed in an interrupted batch:
 * they are not finished.
 */
export function emitHostEnds(batch: BatchContext, isLastPlay: (host: string) => boolean): void {
  const run = batch.playCtx.run;
  for (const name of batch.hosts) {
    const host = run.hosts.get(name);
    if (!host) continue;
    let status = host.status ?? 'skipped';
    if (host.unreachable) status = 'unreachable';
    // After an interrupt a failure may be the interrupt's doing: such a host is not finished.
    else if (host.failed && !run.interrupted()) status = 'failed';
    else if (!batch.completed.has(name) || !isLastPlay(name)) continue;
    run.bus.emit({ type: 'host-end', host: name, status, stats: { ...host.stats } });
  }
}
