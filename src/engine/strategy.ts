import type { Play } from '../playbook/types.js';
import type { BatchContext } from './run-context.js';
import { runFreeStrategy } from './strategy-free.js';
import { runLinearStrategy } from './strategy-linear.js';

/** A scheduling policy: runs a batch's tasks and handlers on its hosts; fills batch.completed. */
export type Strategy = (batch: BatchContext, hosts: readonly string[]) => Promise<void>;

/** The play's `strategy`. */
export function pickStrategy(play: Play): Strategy {
  return play.strategy === 'free' ? runFreeStrategy : runLinearStrategy;
}
