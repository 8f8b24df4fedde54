import { posix } from 'node:path';
import type { FactRequest, FactResults, Plan, PlanContext } from './module.js';
import { quoteGlob } from '../shell/quote.js';

/**
 * `creates` / `removes` of the command-like modules (command, shell, script, unarchive):
 * a fact that tells whether a path (a glob with `*`/`?`) exists, and the skip it leads to.
 */

export interface RunGuards {
  readonly chdir?: string;
  /** Skip when this path exists. */
  readonly creates?: string;
  /** Skip when this path does not exist. */
  readonly removes?: string;
}

const KEY_CREATES = 'creates';
const KEY_REMOVES = 'removes';

/** Relative guard paths are taken from chdir, as Ansible does after changing directory. */
function resolveGuard(path: string, chdir: string | undefined): string {
  return chdir && !posix.isAbsolute(path) ? posix.join(chdir, path) : path;
}

/** The command printing `present` when something matches the pattern, else `absent`. */
export function pathExistsCommand(pattern: string): string {
  return `for f in ${quoteGlob(pattern)}; do if [ -e "$f" ] || [ -L "$f" ]; then echo present; exit 0; fi; done; echo absent`;
}

/** The facts the guards need (none without creates/removes). */
export function guardFacts(g: RunGuards, ctx: PlanContext): FactRequest[] {
  const facts: FactRequest[] = [];
  if (g.creates) facts.push({ key: KEY_CREATES, command: pathExistsCommand(resolveGuard(g.creates, g.chdir)), become: ctx.become });
  if (g.removes) facts.push({ key: KEY_REMOVES, command: pathExistsCommand(resolveGuard(g.removes, g.chdir)), become: ctx.become });
  return facts;
}

function exists(facts: FactResults, key: string): boolean {
  const r = facts[key];
  if (r?.rc !== 0) throw new Error(`could not check whether the ${key} path exists: ${r?.stderr.trim() || 'no result'}`);
  return r.stdout.trim().split('\n').pop() === 'present';
}

/**
 * A skip plan (ok, nothing run) when a guard says so, else undefined. The message is
 * Ansible's (`skipped, since /x exists`) and is also the result's stdout, with rc 0.
 */
export function planGuardSkip(g: RunGuards, facts: FactResults): Plan | undefined {
  let msg: string | undefined;
  if (g.creates && exists(facts, KEY_CREATES)) msg = `skipped, since ${g.creates} exists`;
  else if (g.removes && !exists(facts, KEY_REMOVES)) msg = `skipped, since ${g.removes} does not exist`;
  if (msg === undefined) return undefined;
  return { changed: false, actions: [], msg, returns: { rc: 0, stdout: msg, stderr: '' } };
}
