import type { ModuleDefinition } from './module.js';
import { metaParams } from './params/meta.js';

/** Parameters of `meta`: the instruction. */
export type MetaParams = { readonly action: string };

/**
 * `meta`: the engine carries it out itself (engine/run-playbook.ts: `flush_handlers` runs
 * the notified handlers there and then, `end_host` ends the play for the hosts its `when`
 * holds on) and records no result, as Ansible counts none. This definition
 * gives it a name, a schema and the action for the engine.
 */
export const metaModule: ModuleDefinition<MetaParams> = {
  name: 'meta',
  params: metaParams,
  local: true,
  normalise: (raw) => ({ action: String(raw._raw_params ?? '').trim() }),
  plan: () => ({ changed: false, actions: [] }),
};

/** The instruction of a meta task's arguments (`meta: flush_handlers` → `flush_handlers`). */
export function metaAction(args: Readonly<Record<string, unknown>>): string {
  return metaModule.normalise!(args).action;
}
