import { createHash } from 'node:crypto';

/** The algorithm name written first inside an SSH public key blob (`ssh-ed25519`, `ecdsa-sha2-nistp256`, …). */
export function readKeyType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  if (len <= 0 || len > 64 || 4 + len > blob.length) return 'unknown';
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** `SHA256:…` as OpenSSH prints it (unpadded base64 of the blob's SHA-256). */
export function formatFingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** OpenSSH's short name for a key type: ED25519, ECDSA, RSA, DSA. */
export function describeKeyType(keyType: string): string {
  if (keyType.includes('ed25519')) return 'ED25519';
  if (keyType.startsWith('ecdsa')) return 'ECDSA';
  if (keyType.includes('rsa')) return 'RSA';
  if (keyType.includes('dss')) return 'DSA';
  return keyType.toUpperCase();
}

/** The host-key algorithms ssh2 may negotiate for a key type found in known_hosts. */
export function algorithmsForKeyType(keyType: string): string[] {
  if (keyType === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  return [keyType];
}

/** ssh2's default host-key algorithms, preference order. */
export const DEFAULT_HOST_KEY_ALGORITHMS: readonly string[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/** Server host-key algorithms with those already known for the host first (as OpenSSH orders them). */
export function orderHostKeyAlgorithms(knownKeyTypes: readonly string[]): string[] {
  const preferred = knownKeyTypes.flatMap(algorithmsForKeyType).filter((a) => DEFAULT_HOST_KEY_ALGORITHMS.includes(a));
  return [...new Set([...preferred, ...DEFAULT_HOST_KEY_ALGORITHMS])];
}
