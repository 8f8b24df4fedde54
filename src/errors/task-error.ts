import { ExitCode, TpxError } from './tpx-error.js';

/** A task failed on a host: carries host, task, command, exit code and the tail of stderr. */
export class TaskError extends TpxError {
  readonly host: string;
  readonly task: string;
  readonly command?: string;
  readonly rc?: number | null;
  readonly stderrTail?: string;

  constructor(
    fields: { host: string; task: string; message: string; command?: string; rc?: number | null; stderr?: string },
    options: { cause?: unknown } = {},
  ) {
    super('task', fields.message, { cause: options.cause, exitCode: ExitCode.hostsFailed });
    this.host = fields.host;
    this.task = fields.task;
    this.command = fields.command;
    this.rc = fields.rc;
    this.stderrTail = fields.stderr?.split('\n').slice(-5).join('\n');
  }
}
