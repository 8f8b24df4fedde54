/** Exit codes, the same as ansible-playbook's so CI scripts carry over (the README's table). */
export const ExitCode = {
  ok: 0,
  error: 1,
  hostsFailed: 2,
  hostsUnreachable: 3,
  badInput: 4,
  badOptions: 5,
  interrupted: 99,
  internal: 250,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The base of every error tpx knows about. `code` is stable and machine-readable;
 * `shortMessage` is one line for the terminal; `message` may carry more detail.
 */
export class TpxError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly shortMessage: string;

  constructor(code: string, message: string, options: { cause?: unknown; exitCode?: ExitCode; shortMessage?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options.exitCode ?? ExitCode.error;
    this.shortMessage = options.shortMessage ?? message.split('\n')[0];
  }
}

/** Bad command-line options: exit 5. */
export class UsageError extends TpxError {
  constructor(message: string) {
    super('usage', message, { exitCode: ExitCode.badOptions });
  }
}
