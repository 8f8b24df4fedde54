import { appendKnownHost } from './known-hosts-append.js';
import { describeKeyType, formatFingerprint, orderHostKeyAlgorithms, readKeyType } from './host-key-info.js';
import { findHostKeys, formatKnownHostsName, readKnownHostsFile, type KnownHostsEntry } from './known-hosts.js';

/** How host keys are checked, as `host_key_checking` says. */
export type HostKeyChecking = 'strict' | 'accept-new' | 'off';

/** Checks the key one server presents against a known_hosts file. */
export interface HostVerifier {
  /** Host-key algorithms to offer, those already known for the host first. */
  readonly algorithms: string[];
  /** For ssh2's `hostVerifier` (the two-argument, asynchronous form). */
  readonly verify: (key: Buffer, callback: (accept: boolean) => void) => void;
  /** Why the key was refused, once `verify` said no. */
  rejection(): string | undefined;
}

/**
 * Builds the verifier for one host:port (one per hop). A key that known_hosts contradicts
 * (another key on file for the host, or the key marked @revoked) is refused — except with
 * `off`, which connects anyway but tells `onWarning` which file and line say otherwise and
 * both fingerprints: off is for hosts whose keys churn, not for not noticing a new one.
 */
export function createHostVerifier(
  host: string,
  port: number,
  knownHostsFile: string,
  mode: HostKeyChecking,
  onWarning: (message: string) => void = () => undefined,
): HostVerifier {
  const { keys, revoked } = findHostKeys(readKnownHosts(knownHostsFile, mode), host, port);
  const name = formatKnownHostsName(host, port);
  let reason: string | undefined;

  /** What known_hosts says against this key, if anything. */
  const contradiction = (key: Buffer, described: string, keyType: string): string | undefined => {
    const revokedEntry = revoked.find((e) => e.key.equals(key));
    if (revokedEntry) return `host key for ${name} is revoked: ${described} is marked @revoked in ${knownHostsFile}:${revokedEntry.line}`;
    if (keys.length === 0 || keys.some((e) => e.key.equals(key))) return undefined;
    const expected = keys.find((e) => e.keyType === keyType) ?? keys[0];
    return `host key for ${name} has changed: got ${described}, but ${knownHostsFile}:${expected.line} has ${describeKey(expected.keyType, expected.key)}`;
  };

  const verify = (key: Buffer, callback: (accept: boolean) => void): void => {
    const refuse = (why: string): void => {
      reason = why;
      callback(false);
    };
    const keyType = readKeyType(key);
    const described = describeKey(keyType, key);
    const against = contradiction(key, described, keyType);
    if (against !== undefined && mode === 'off') {
      onWarning(`${against}; connecting anyway because host_key_checking is off`);
      return callback(true);
    }
    if (against !== undefined) return refuse(against);
    if (keys.length > 0 || mode === 'off') return callback(true);
    if (mode === 'strict') {
      return refuse(
        `host key for ${name} is not known (${described}) and host_key_checking is strict: ` +
          `add it to ${knownHostsFile} or set host_key_checking: accept-new`,
      );
    }
    appendKnownHost(knownHostsFile, host, port, keyType, key).then(
      () => callback(true),
      (err: Error) => refuse(`host key for ${name} could not be added to ${knownHostsFile}: ${err.message}`),
    );
  };

  return {
    algorithms: orderHostKeyAlgorithms(keys.map((e) => e.keyType)),
    verify,
    rejection: () => reason,
  };
}

/** `ED25519 key SHA256:…`, as OpenSSH names a key. */
function describeKey(keyType: string, key: Buffer): string {
  return `${describeKeyType(keyType)} key ${formatFingerprint(key)}`;
}

/**
 * The known_hosts entries. With `off` the file is only read to warn, so one that cannot be
 * read means no warning, never a refused connection.
 */
function readKnownHosts(file: string, mode: HostKeyChecking): KnownHostsEntry[] {
  if (mode !== 'off') return readKnownHostsFile(file);
  try {
    return readKnownHostsFile(file);
  } catch {
    return [];
  }
}
