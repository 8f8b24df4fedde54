import type { ModuleParams } from './module-params.js';

/** `meta: flush_handlers` — an instruction to the engine, not to the host. */
export const metaParams: ModuleParams = {
  freeForm: true,
  name: 'meta',
  description:
    'Engine instructions: `flush_handlers` runs the handlers notified so far, now; `end_host` ends the play for the host (for each host its `when` holds on), which counts as done; `noop` does nothing.',
  example: 'meta: flush_handlers',
  schema: {
    title: 'meta action',
    type: 'string',
    enum: ['flush_handlers', 'end_host', 'noop'],
    'x-expected': 'flush_handlers, end_host or noop (end_play, end_batch, clear_facts, refresh_inventory are not supported yet)',
  },
};
