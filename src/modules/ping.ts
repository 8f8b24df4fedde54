import type { ModuleDefinition } from './module.js';
import { ModuleArgs, paramNames } from './module-args.js';
import { pingParams } from './params/ping.js';
import { failPlan } from './plans.js';

/** Parameters of `ping`. */
export type PingParams = { readonly data: string };

/**
 * `ping`: one command on the host (it connects, and runs in check mode too, as Ansible's
 * does), answering `ping: DATA`. `data: crash` fails the task, as Ansible's test hook does.
 */
export const pingModule: ModuleDefinition<PingParams> = {
  name: 'ping',
  params: pingParams,
  normalise: (raw) => ({ data: new ModuleArgs('ping', raw, paramNames(pingParams)).string('data') ?? 'pong' }),
  facts: () => [{ key: 'ping', command: 'true' }],
  plan: (p, facts) => {
    if (facts.ping.rc !== 0) return failPlan(`the host ran no command (exit code ${facts.ping.rc}): ${facts.ping.stderr.trim()}`);
    if (p.data === 'crash') return failPlan('boom');
    return { changed: false, actions: [], returns: { ping: p.data } };
  },
};
