/** The SSH transport: the only code that imports ssh2. */
export { connectSsh, type ConnectOptions } from './connect-ssh.js';
export { resolveConnectionSpec, splitJumps, type ResolveOptions } from './resolve-connection-spec.js';
export { SshConnection, DEFAULT_MAX_SESSIONS } from './ssh-connection.js';
export { HostSession, type ReconnectPolicy } from './host-session.js';
export type { HostLookup } from './open-tcp-socket.js';
export type { SecretPrompt } from './passphrase-prompt.js';
export type { HostKeyChecking } from './host-verifier.js';
