import { readFileSync } from 'node:fs';
import type { ExecResult } from '../transport/connection.js';
import { OUTPUT_LIMIT_VAR } from '../transport/output-capture.js';
import { quoteArg } from '../shell/quote.js';

/**
 * tpx's own Python programs on the host (host/*.py: apt, dnf, find, replace, the HTTP
 * requests of uri and get_url), each run as one command, its request on stdin, its answer one
 * marked JSON text on stdout. Here once: how they are run and how their answer is read.
 */

/**
 * The command that runs host/NAME: from `/`, with Python's environment variables, user site
 * and site modules ignored (-E -s -S), so that nothing in the login user's directory or
 * environment chooses code that runs as root.
 */
export function hostPythonCommand(name: string): string {
  const script = readFileSync(new URL(`../../host/${name}`, import.meta.url), 'utf8');
  return `cd / && python3 -E -s -S -c ${quoteArg(script)}`;
}

/** What a host program's answer is read with: the module it serves and the line that heads its answer. */
export interface HostAnswer {
  readonly module: string;
  readonly mark: string;
  /** What a failed run is said to be, before the last line of its stderr (default `MODULE failed on the host`). */
  readonly failed?: string;
}

/** The message for an answer cut short by tpx_output_limit; `changes` when the program may have changed the host all the same. */
export function answerCutMessage(changes: boolean): string {
  return changes
    ? `the host's answer was cut (over ${OUTPUT_LIMIT_VAR}); the host may have changed: check it, and raise ${OUTPUT_LIMIT_VAR} for this task (vars: { ${OUTPUT_LIMIT_VAR}: 4M })`
    : `the host's answer is larger than ${OUTPUT_LIMIT_VAR} keeps; raise it for this task (vars: { ${OUTPUT_LIMIT_VAR}: 16M })`;
}

/**
 * The text after the answer's mark. Throws an Error saying what went wrong when there is
 * none: python3 missing on the host, or the program failed (non-zero exit, no answer).
 */
export function answerText(fact: ExecResult | undefined, answer: HostAnswer): string {
  if (fact === undefined) throw new Error(`${answer.module}: the host was not asked`);
  const lastLine = fact.stderr.trim().split('\n').pop() ?? '';
  if (fact.rc === 127 || /python3: (command )?not found/.test(fact.stderr)) {
    throw new Error(`${answer.module} needs python3 on the host, as Ansible does: ${lastLine || `exit code ${fact.rc}`}`);
  }
  const at = fact.stdout.indexOf(answer.mark);
  if (fact.rc !== 0 || at < 0) throw new Error(`${answer.failed ?? `${answer.module} failed on the host`}: ${lastLine || `exit code ${fact.rc}`}`);
  return fact.stdout.slice(at + answer.mark.length);
}

/** A JSON object from `text`, or undefined when it is none. */
export function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const doc = JSON.parse(text) as unknown;
    if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) return doc as Record<string, unknown>;
  } catch {
    // undefined
  }
  return undefined;
}
