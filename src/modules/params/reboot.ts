import type { JsonSchema, ModuleParams } from './module-params.js';

const seconds = (description: string): JsonSchema => ({
  type: ['integer', 'string'],
  pattern: '^\\s*\\d+\\s*$|\\{\\{[\\s\\S]*\\}\\}',
  minimum: 0,
  'x-expected': 'a number of seconds',
  description,
});

/** `reboot: { reboot_timeout: 600, test_command: uptime }`. */
export const rebootParams: ModuleParams = {
  name: 'reboot',
  description:
    "Reboots the host and waits until it is back: a new boot id and a test command that succeeds, as Ansible's reboot; changed, `rebooted`, `elapsed`.",
  example: 'reboot:\n  reboot_timeout: 600\n  post_reboot_delay: 10\n  test_command: systemctl is-system-running --wait',
  schema: {
    title: 'reboot parameters',
    type: ['object', 'null'],
    'x-expected': 'nothing, or a mapping with reboot_timeout, test_command, …',
    properties: {
      pre_reboot_delay: seconds('Seconds before the reboot, given to `shutdown` in whole minutes (default 0: now).'),
      post_reboot_delay: seconds('Seconds to wait after the reboot command before checking that the host is back (default 0).'),
      reboot_timeout: seconds('Seconds to wait for the new boot, and again for the test command (default 600); then the task fails.'),
      connect_timeout: seconds("Seconds a new connection may take while waiting (default: the connection's own timeout)."),
      test_command: { type: 'string', minLength: 1, description: 'What must succeed on the rebooted host (default `whoami`).' },
      msg: { type: 'string', description: 'The message given to `shutdown` (default "Reboot initiated by Ansible").' },
      search_paths: {
        type: ['string', 'array'],
        items: { type: 'string' },
        description: 'Directories to look for `shutdown` in (default /sbin, /bin, /usr/sbin, /usr/bin, /usr/local/sbin).',
      },
      reboot_command: {
        type: 'string',
        minLength: 1,
        description: 'The command that reboots, instead of `shutdown -r …` (its first word looked up in search_paths).',
      },
      boot_time_command: {
        type: 'string',
        minLength: 1,
        description: 'What prints something new after each boot (default `cat /proc/sys/kernel/random/boot_id`).',
      },
    },
    additionalProperties: false,
  },
};
