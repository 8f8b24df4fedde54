import type { ModuleParams } from './module-params.js';

/** `meta: flush_handlers` — an instruction to the engine, not to the host. */
export const metaParams: ModuleParams = {
  freeForm: true,
  name: 'meta',
  description:
    'Engine instructions: `flush_handlers` runs the handlers notified so far, now; `end_host` ends the play for the host (for each host its `when` holds on), which counts as done; `end_batch` and `end_play` end the batch or the whole play for every host (their `when` decided on the first host, as in Ansible); `noop` does nothing.',
  example: 'meta: flush_handlers',
  schema: {
    title: 'meta action',
    type: 'string',
    enum: ['flush_handlers', 'end_host', 'end_batch', 'end_play', 'noop'],
    'x-expected': 'flush_handlers, end_host, end_batch, end_play or noop (clear_facts, refresh_inventory, reset_connection are not supported yet)',
  },
};
