import type { InputKind, SeedFile } from './corpus.js';
import { makeHostileInput } from './hostile-inputs.js';
import { caseSeed, createRng } from './prng.js';
import { mutateText } from './text-mutations.js';
import { mutateTree } from './tree-mutations.js';

/** One generated input: reproducible from `runSeed` and `index` alone. */
export interface FuzzCase {
  readonly index: number;
  readonly runSeed: number;
  readonly kind: InputKind;
  /** The seed file it was made from ('-' for generated inputs). */
  readonly origin: string;
  /** The mutations applied, in order. */
  readonly steps: readonly string[];
  readonly text: string;
  /** Playbooks only: also check `hosts` against the example inventory. */
  readonly withInventory: boolean;
}

/** Builds case `index` of the run `runSeed` from the seed corpus. */
export function makeCase(runSeed: number, index: number, corpus: readonly SeedFile[]): FuzzCase {
  const rng = createRng(caseSeed(runSeed, index));
  const seed = rng.pick(corpus);
  const roll = rng.next();
  let made: { text: string; steps: string[] };
  let origin = seed.name;
  if (roll < 0.05) {
    made = makeHostileInput(rng, seed.kind);
    origin = '-';
  } else if (roll < 0.45) {
    made = mutateTree(rng, seed.text) ?? mutateText(rng, seed.text);
    if (rng.chance(0.2)) {
      const more = mutateText(rng, made.text, 2);
      made = { text: more.text, steps: [...made.steps, ...more.steps] };
    }
  } else {
    made = mutateText(rng, seed.text);
  }
  return { index, runSeed, kind: seed.kind, origin, steps: made.steps, text: made.text, withInventory: seed.kind === 'playbook' && rng.chance(0.3) };
}

/** How to say which case failed and how to run it again. */
export function describeCase(c: FuzzCase): string {
  return `case #${c.index} of seed ${c.runSeed} (${c.kind} from ${c.origin}: ${c.steps.join(' → ')}); rerun: FUZZ_SEED=${c.runSeed} FUZZ_ONLY=${c.index} npx vitest run test/fuzz`;
}
