import { appendKnownHost } from './known-hosts-append.js';
import { describeKeyType, formatFingerprint, orderHostKeyAlgorithms, readKeyType } from './host-key-info.js';
import { findHostKeys, formatKnownHostsName, readKnownHostsFile } from './known-hosts.js';

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

/** Builds the verifier for one host:port (one per hop). */
export function createHostVerifier(host: string, port: number, knownHostsFile: string, mode: HostKeyChecking): HostVerifier {
  const { keys, revoked } = mode === 'off' ? { keys: [], revoked: [] } : findHostKeys(readKnownHostsFile(knownHostsFile), host, port);
  const name = formatKnownHostsName(host, port);
  let reason: string | undefined;

  const verify = (key: Buffer, callback: (accept: boolean) => void): void => {
    const refuse = (why: string): void => {
      reason = why;
      callback(false);
    };
    if (mode === 'off') return callback(true);
    const keyType = readKeyType(key);
    const described = `${describeKeyType(keyType)} key ${formatFingerprint(key)}`;
    const revokedEntry = revoked.find((e) => e.key.equals(key));
    if (revokedEntry) return refuse(`host key for ${name} is revoked: ${described} is marked @revoked in ${knownHostsFile}:${revokedEntry.line}`);
    if (keys.some((e) => e.key.equals(key))) return callback(true);
    if (keys.length > 0) {
      const expected = keys.find((e) => e.keyType === keyType) ?? keys[0];
      return refuse(`host key for ${name} has changed: got ${described}, expected the key in ${knownHostsFile}:${expected.line}`);
    }
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
