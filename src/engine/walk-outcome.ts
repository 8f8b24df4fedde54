/** Hosts that did not get through a list of tasks. */
export interface WalkOutcome {
  /** Failed and not rescued (or failed where a rescue further out will handle it). */
  readonly failed: Set<string>;
  readonly unreachable: Set<string>;
  /** Stopped before the end: interrupted, or the batch halted. */
  readonly cut: Set<string>;
  /** Ended their play on purpose (`meta: end_host`): done, with nothing more to run in it. */
  readonly ended: Set<string>;
}

/** An outcome with no host in it. */
export function emptyWalkOutcome(): WalkOutcome {
  return { failed: new Set(), unreachable: new Set(), cut: new Set(), ended: new Set() };
}

/** Whether the outcome took the host out of the rest of the list (for any reason). */
export function leftOut(outcome: WalkOutcome, host: string): boolean {
  return outcome.failed.has(host) || outcome.unreachable.has(host) || outcome.cut.has(host) || outcome.ended.has(host);
}

/** Adds every host of `from` to the same set of `into`. */
export function addWalkOutcome(into: WalkOutcome, from: WalkOutcome): void {
  for (const h of from.failed) into.failed.add(h);
  for (const h of from.unreachable) into.unreachable.add(h);
  for (const h of from.cut) into.cut.add(h);
  for (const h of from.ended) into.ended.add(h);
}
