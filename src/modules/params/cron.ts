import { boolParam, type ModuleParams } from './module-params.js';

const field = (description: string) => ({ type: ['string', 'integer'], description });

/** `cron: { name: backup, minute: "0", hour: "3", job: /usr/local/bin/backup }`. */
export const cronParams: ModuleParams = {
  name: 'cron',
  description:
    "Adds, changes or removes a job (or an environment variable) in a user's crontab or in a file of /etc/cron.d, marked with a `#Ansible: NAME` line, as Ansible's cron module does.",
  example: 'cron:\n  name: nightly backup\n  minute: "0"\n  hour: "3"\n  job: /usr/local/bin/backup',
  schema: {
    title: 'cron parameters',
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1, description: "The job's name, in its `#Ansible: NAME` line (with env: the variable's name)." },
      user: { type: 'string', minLength: 1, description: 'Whose crontab (default: the user the task runs as); with cron_file, the user the job runs as.' },
      job: { type: 'string', description: "The command (with env: the variable's value). Required with state present." },
      value: { type: 'string', description: 'Same as job.' },
      cron_file: { type: 'string', minLength: 1, description: "A file in /etc/cron.d (or an absolute path) instead of the user's crontab; needs user." },
      state: { enum: ['present', 'absent'], description: 'present (default) or absent.' },
      backup: boolParam('Before a change, copy the crontab to a new file in /tmp on the host (returned as backup_file).'),
      minute: field('Minute (default *).'),
      hour: field('Hour (default *).'),
      day: field('Day of the month (default *).'),
      dom: field('Same as day.'),
      month: field('Month (default *).'),
      weekday: field('Day of the week (default *).'),
      dow: field('Same as weekday.'),
      special_time: {
        enum: ['annually', 'daily', 'hourly', 'monthly', 'reboot', 'weekly', 'yearly'],
        description: 'A special time (@daily…) instead of the time fields.',
      },
      disabled: boolParam('Keep the job, commented out.'),
      env: boolParam('Manage an environment variable (NAME="job") instead of a job.'),
      insertafter: { type: 'string', description: 'With env: put a new variable after this one.' },
      insertbefore: { type: 'string', description: 'With env: put a new variable before this one.' },
    },
    required: ['name'],
    additionalProperties: false,
  },
};
