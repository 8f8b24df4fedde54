import { ConnectionError, type ConnectionErrorKind } from '../../errors/connection-error.js';

/** Which connection a failure belongs to: the host, or one of its jump hosts. */
export interface FailureContext {
  /** Inventory name of the target host. */
  readonly host: string;
  /** `user@host:port` of the jump host being connected, when it is not the target. */
  readonly hop?: string;
  /** `host:port` that was dialled. */
  readonly address: string;
}

/** Builds the one-line ConnectionError: `NAME[ (jump host HOP)]: detail`. */
export function failConnection(ctx: FailureContext, kind: ConnectionErrorKind, detail: string, cause?: unknown): ConnectionError {
  const who = ctx.hop ? `${ctx.host} (jump host ${ctx.hop})` : ctx.host;
  return new ConnectionError(ctx.host, kind, `${who}: ${detail}`, { cause });
}

/** Maps a socket, DNS or ssh2 error to its kind and a clear line. */
export function mapConnectError(ctx: FailureContext, err: unknown, timeoutMs: number): ConnectionError {
  if (err instanceof ConnectionError) return err;
  const e = err as NodeJS.ErrnoException & { level?: string; reason?: number };
  const message = e?.message ?? String(err);
  const code = e?.code ?? '';
  if (code === 'ABORT_ERR') return failConnection(ctx, 'closed', `connecting to ${ctx.address} was aborted`, err);
  if (code === 'ECONNREFUSED' || /connection refused/i.test(message)) {
    return failConnection(ctx, 'refused', `connection refused by ${ctx.address}`, err);
  }
  if (
    code === 'ENOTFOUND' ||
    code === 'EAI_AGAIN' ||
    code === 'EAI_NONAME' ||
    e?.level === 'client-dns' ||
    /name or service not known|could not resolve|no address associated/i.test(message)
  ) {
    return failConnection(ctx, 'dns', `cannot resolve the host name in ${ctx.address}`, err);
  }
  if (code === 'ETIMEDOUT' || e?.level === 'client-timeout' || /timed out/i.test(message)) {
    return failConnection(ctx, 'timeout', `no SSH connection to ${ctx.address} within ${formatSeconds(timeoutMs)}`, err);
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return failConnection(ctx, 'timeout', `${ctx.address} is unreachable (${code})`, err);
  }
  if (e?.level === 'client-authentication') return failConnection(ctx, 'auth', `authentication failed: ${message}`, err);
  if (e?.level === 'protocol' || e?.level === 'handshake') {
    return failConnection(ctx, 'protocol', `SSH protocol error with ${ctx.address}: ${message}`, err);
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || e?.level === 'client-socket') {
    return failConnection(ctx, 'closed', `connection to ${ctx.address} was closed (${code || message})`, err);
  }
  return failConnection(ctx, 'protocol', `cannot connect to ${ctx.address}: ${message}`, err);
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}
