import type { ModuleParams } from './module-params.js';

/** `setup:` — Ansible's fact gathering, run by `gather_facts` or as a task. */
export const setupParams: ModuleParams = {
  name: 'setup',
  description: "Gathers the host's facts (os family, distribution, addresses, memory, …) under Ansible's names: `ansible_facts.*` and `ansible_*`.",
  example: 'setup:\n  filter: ["ansible_distribution*", "ansible_default_ipv4"]',
  schema: {
    title: 'setup parameters',
    type: ['object', 'null'],
    additionalProperties: false,
    properties: {
      filter: {
        type: ['string', 'array'],
        items: { type: 'string' },
        description: 'Keep only the facts whose names match these shell-style patterns (with or without the `ansible_` prefix).',
      },
      gather_subset: {
        type: ['string', 'array'],
        items: { type: 'string' },
        description: 'Accepted for Ansible compatibility: tpx always gathers the same set, in one command.',
      },
      gather_timeout: { type: 'integer', minimum: 1, description: 'Accepted for Ansible compatibility; use the task `timeout` keyword.' },
    },
  },
};
