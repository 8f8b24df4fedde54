import { writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory, loadInventoryText } from '../../src/inventory/load-inventory.js';
import { loadPlaybookText } from '../../src/playbook/load-playbook.js';
import { runCase, type CaseOutcome } from './check-outcome.js';
import { loadSeedCorpus } from './corpus.js';
import { describeCase, makeCase, type FuzzCase } from './make-case.js';

/**
 * The loaders against mutated playbooks and inventories, in this process. FUZZ_SEED picks
 * another run (default fixed, so CI is reproducible), FUZZ_CASES its size, FUZZ_ONLY one case.
 */
const RUN_SEED = Number(process.env.FUZZ_SEED ?? 20_240_601);
const CASES = Number(process.env.FUZZ_CASES ?? 10_000);
const ONLY = process.env.FUZZ_ONLY === undefined ? undefined : Number(process.env.FUZZ_ONLY);
const CHUNK = 1000;
/** FUZZ_TRACE=1 names each case on stderr before it runs (to find a case that kills the process). */
const TRACE = process.env.FUZZ_TRACE === '1';
/** FUZZ_DUMP=DIR writes the text of each failing case there. */
const DUMP = process.env.FUZZ_DUMP;

const corpus = loadSeedCorpus();
const inventory = loadInventory(['inventory.example.yaml']);

function runFuzzCase(c: FuzzCase): CaseOutcome {
  const file = c.kind === 'playbook' ? 'fuzz-playbook.yaml' : 'fuzz-inventory.yaml';
  if (c.kind === 'inventory') return runCase(c.text, file, loadInventoryText);
  return runCase(c.text, file, (text, f) => loadPlaybookText(text, f, c.withInventory ? { inventory } : {}));
}

interface Tally {
  cases: number;
  ok: number;
  refused: number;
  /** Time in the loaders, and in making the cases. */
  ms: number;
  genMs: number;
  slowest: { ms: number; label: string }[];
}
const tally: Tally = { cases: 0, ok: 0, refused: 0, ms: 0, genMs: 0, slowest: [] };

function runRange(from: number, to: number): string[] {
  const failures: string[] = [];
  for (let i = from; i < to; i++) {
    if (ONLY !== undefined && i !== ONLY) continue;
    const genStart = performance.now();
    const c = makeCase(RUN_SEED, i, corpus);
    tally.genMs += performance.now() - genStart;
    if (TRACE) writeSync(2, `fuzz case #${i} ${c.kind} ${c.steps.join('→')} (${c.text.length} chars)\n`);
    const outcome = runFuzzCase(c);
    tally.cases++;
    tally.ms += outcome.ms;
    if (outcome.result === 'ok') tally.ok++;
    else if (outcome.result === 'input-error') tally.refused++;
    tally.slowest.push({ ms: outcome.ms, label: `#${i} ${c.kind} ${c.steps.join('→')}` });
    tally.slowest = tally.slowest.sort((a, b) => b.ms - a.ms).slice(0, 5);
    if (outcome.violations.length === 0) continue;
    if (DUMP) writeFileSync(join(DUMP, `fuzz-${RUN_SEED}-${i}.yaml`), c.text);
    if (failures.length < 20) failures.push(`${describeCase(c)}\n  ${outcome.violations.slice(0, 5).join('\n  ')}`);
  }
  return failures;
}

describe(`fuzzing the loaders in-process (seed ${RUN_SEED}, ${CASES} cases)`, () => {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  for (let from = 0; from < CASES; from += CHUNK) {
    const to = Math.min(CASES, from + CHUNK);
    it(`cases ${from}–${to - 1}: only InputErrors with good positions, none slower than the limit`, () => {
      const failures = runRange(from, to);
      expect(failures.length, `${failures.length} failing cases:\n\n${failures.join('\n\n')}`).toBe(0);
    }, 300_000);
  }

  it('ran them all, each a success or a refusal', () => {
    expect(tally.cases).toBe(ONLY === undefined ? CASES : 1);
    const total = (performance.now() - wall) / 1000;
    const used = process.cpuUsage(cpu);
    console.log(
      `fuzz: ${tally.cases} cases in ${total.toFixed(1)} s wall, ${((used.user + used.system) / 1e6).toFixed(1)} s CPU ` +
        `(in the loaders ${(tally.ms / 1000).toFixed(1)} s, making cases ${(tally.genMs / 1000).toFixed(1)} s): ${tally.ok} loaded, ${tally.refused} refused with InputError; ` +
        `slowest: ${tally.slowest.map((s) => `${s.ms.toFixed(0)} ms ${s.label}`).join('; ')}`,
    );
    // Mutations must not be so timid that nothing is refused, nor so wild that nothing loads.
    if (ONLY === undefined) {
      expect(tally.refused).toBeGreaterThan(tally.cases * 0.3);
      expect(tally.ok).toBeGreaterThan(tally.cases * 0.05);
    }
  });
});
