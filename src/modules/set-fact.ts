import { setFactParams } from './params/set-fact.js';
import type { ModuleDefinition } from './module.js';
import { expandFreeForm } from './free-form.js';
import { ModuleArgsError, toBool } from './module-args.js';
import { type KeyValueArgs, parseKeyValueArgs } from './key-value-args.js';

/** Parameters of `set_fact`: the variables to set. */
export type SetFactParams = { readonly facts: Readonly<Record<string, unknown>> };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Every key is a variable (`cacheable` is accepted and ignored). A free-form `a=1 b=x`
 * line is split into variables; there, `true`/`false`/`yes`/`no` become booleans as in Ansible.
 */
export function normaliseSetFact(raw: Readonly<Record<string, unknown>>): SetFactParams {
  const { args, rest } = expandFreeForm(raw, []);
  const facts: Record<string, unknown> = {};
  if (rest !== undefined) {
    const line = parseLine(rest);
    if (line.rest !== undefined) throw new ModuleArgsError('set_fact', `'${line.rest}' is not a name=value pair`);
    for (const [name, value] of Object.entries(line.options)) {
      facts[name] = /^(true|false|yes|no)$/i.test(value) ? toBool(value) : value;
    }
  }
  for (const [key, value] of Object.entries(args)) if (key !== 'cacheable') facts[key] = value;
  const names = Object.keys(facts);
  if (names.length === 0) throw new ModuleArgsError('set_fact', 'no variables given');
  const bad = names.find((n) => !NAME.test(n));
  if (bad !== undefined) throw new ModuleArgsError('set_fact', `'${bad}' is not a valid variable name (letters, digits and _, not starting with a digit)`, bad);
  return { facts };
}

function parseLine(line: string): KeyValueArgs {
  try {
    return parseKeyValueArgs(line);
  } catch (err) {
    throw new ModuleArgsError('set_fact', (err as Error).message);
  }
}

/** `set_fact`: sets host variables (with set_fact precedence) for the following tasks. */
export const setFactModule: ModuleDefinition<SetFactParams> = {
  name: 'set_fact',
  params: setFactParams,
  local: true,
  normalise: normaliseSetFact,
  plan: (p) => ({ changed: false, actions: [], facts: p.facts }),
};
