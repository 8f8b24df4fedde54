/** Hosts that did not get through a list of tasks. */
export interface WalkOutcome {
  /** Failed and not rescued (or failed where a rescue further out will handle it). */
  readonly failed: Set<string>;
  readonly unreachable: Set<string>;
  /** Stopped before the end: interrupted, or the batch halted. */
  readonly cut: Set<string>;
}
