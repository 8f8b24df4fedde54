import { ExitCode, TpxError } from './tpx-error.js';

/** Why a host could not be reached; callers branch on it. */
/** `locked`: another tpx run holds the host's run lock (the host is left alone). */
export type ConnectionErrorKind = 'refused' | 'timeout' | 'dns' | 'auth' | 'host-key' | 'protocol' | 'closed' | 'become' | 'locked';

/** A host could not be reached or its connection broke: the host is unreachable, others go on. */
export class ConnectionError extends TpxError {
  readonly host: string;
  readonly kind: ConnectionErrorKind;

  constructor(host: string, kind: ConnectionErrorKind, message: string, options: { cause?: unknown } = {}) {
    super(`connection-${kind}`, message, { cause: options.cause, exitCode: ExitCode.hostsUnreachable });
    this.host = host;
    this.kind = kind;
  }
}
