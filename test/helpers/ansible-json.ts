import { join } from 'node:path';

/**
 * The environment that makes ansible-playbook print its results as one JSON document, with
 * the tests' own stdout callback (test/fixtures/ansible/callback_plugins/tpx_json.py): the
 * `json` callback is not part of Debian's ansible-core.
 */
export const ANSIBLE_JSON_ENV = {
  ANSIBLE_CALLBACK_PLUGINS: join(import.meta.dirname, '../fixtures/ansible/callback_plugins'),
  ANSIBLE_STDOUT_CALLBACK: 'tpx_json',
} as const;
