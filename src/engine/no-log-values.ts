import type { SecretMasker } from '../errors/mask-secrets.js';
import { DEFAULT_SUCCESS_MSG } from '../modules/assert.js';
import { DEFAULT_DEBUG_MSG, NOT_DEFINED } from '../modules/debug.js';
import { DEFAULT_FAIL_MSG } from '../modules/fail.js';
import type { RawResult } from './raw-result.js';

/**
 * Shortest value masked. Shorter ones ("", "0", "ok", "yes", a letter) turn up all over any
 * output: masking them would garble every later line while hiding nothing worth hiding.
 */
export const MIN_MASKED_LENGTH = 4;

/** As common as the short ones: booleans and nulls as commands and templates print them. */
const TOO_COMMON = new Set(['true', 'false', 'none', 'null']);

/** What modules write themselves when the playbook gives no text: never a secret, and in many later lines. */
const MODULE_TEXTS = new Set([DEFAULT_DEBUG_MSG, NOT_DEFINED, DEFAULT_FAIL_MSG, DEFAULT_SUCCESS_MSG]);

/** All a module that runs on the host produces: the rest of its result (cmd, dest, msg…) is what it was asked and tpx's words. */
const HOST_OUTPUT = ['stdout', 'stderr', 'stdout_lines', 'stderr_lines'];

/** Keys of a result that tell what was asked or how it went rather than a value the task produced. */
const ABOUT_THE_TASK = new Set([
  'cmd',
  'ansible_loop_var',
  'skip_reason',
  'skipped_reason',
  'false_condition',
  'assertion',
  'changed_when_result',
  'failed_when_result',
]);

/** What a no_log task left behind for later tasks, and where it came from. */
export interface NoLogOutcome {
  /** The result `register` stores. */
  readonly raw: RawResult;
  /** set_fact's variables. */
  readonly facts?: Readonly<Record<string, unknown>>;
  /**
   * A controller-side module (debug, set_fact, assert, fail): every string of its result was
   * computed from the playbook's templates, so any may carry a secret.
   */
  readonly controllerSide: boolean;
  /** The loop variable: an item is an input of the task, not something it produced. */
  readonly loopVar: string;
}

/**
 * Registers with the masker the values a `no_log` task produced — what the host printed,
 * what a controller-side module computed, set_fact's values — so a later task that uses
 * them (a debug of the registered result, a command line, a failure message) shows
 * `********` in every event, report, journal and screen line, as a password would.
 * Multi-line values are registered line by line, each trimmed, and only lines that pass
 * `isMaskable`; numbers and booleans are never registered.
 */
export function maskNoLogValues(masker: SecretMasker, outcome: NoLogOutcome): void {
  const values = [...producedBy(outcome.raw, outcome), ...stringsIn(outcome.facts ?? {}, outcome.loopVar)];
  for (const value of values) {
    for (const line of value.split(/\r?\n/)) {
      const text = line.trim();
      if (isMaskable(text)) masker.add(text);
    }
  }
}

/** At least MIN_MASKED_LENGTH characters, not a boolean or null word, not a module's own default text. */
export function isMaskable(text: string): boolean {
  return text.length >= MIN_MASKED_LENGTH && !TOO_COMMON.has(text.toLowerCase()) && !MODULE_TEXTS.has(text);
}

/** A loop's values are its items' (its own msg is tpx's summary); a skipped or unreachable result produced nothing. */
function producedBy(raw: RawResult, outcome: NoLogOutcome): string[] {
  if (Array.isArray(raw.results)) return raw.results.flatMap((item) => (isRecord(item) ? producedBy(item, outcome) : []));
  if (raw.skipped === true || raw.unreachable === true) return [];
  if (!outcome.controllerSide) return HOST_OUTPUT.flatMap((key) => stringsIn(raw[key], outcome.loopVar));
  return stringsIn(raw, outcome.loopVar);
}

/** Every string inside a value, leaving out the keys that describe the task (and the loop item). */
function stringsIn(value: unknown, loopVar: string): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap((v) => stringsIn(v, loopVar));
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([key, v]) => (ABOUT_THE_TASK.has(key) || key === loopVar ? [] : stringsIn(v, loopVar)));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
