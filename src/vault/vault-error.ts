import { TpxError } from '../errors/tpx-error.js';

/**
 * What went wrong with vault data, for callers that branch on it (a loader turns `malformed`
 * and `unsupported` into a `file:line:col` problem; `no-secret` and `wrong-secret` are about
 * the passwords given, not the file).
 */
export type VaultErrorKind =
  /** The text does not start with `$ANSIBLE_VAULT`. */
  | 'not-vault'
  /** A vault format version or cipher tpx does not read (1.0, AES). */
  | 'unsupported'
  /** Not hexadecimal, missing parts, truncated, or bad padding. */
  | 'malformed'
  /** Vault data was found but no vault secret was given at all. */
  | 'no-secret'
  /** None of the secrets given passes the HMAC: a wrong password or changed data. */
  | 'wrong-secret';

/**
 * Vault data that cannot be read. Exit 1, as Ansible's vault errors. The message never holds
 * a password, a plaintext or the ciphertext itself.
 */
export class VaultError extends TpxError {
  readonly kind: VaultErrorKind;

  constructor(kind: VaultErrorKind, message: string) {
    super('vault', message);
    this.kind = kind;
  }
}
