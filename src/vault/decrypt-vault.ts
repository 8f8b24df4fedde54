import { createDecipheriv, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import { VaultError } from './vault-error.js';
import { DEFAULT_VAULT_LABEL, type VaultEnvelope, parseVaultEnvelope } from './vault-format.js';
import type { VaultSecret } from './vault-secrets.js';

const PBKDF2_ITERATIONS = 10_000;
const AES_KEY_BYTES = 32;
const HMAC_KEY_BYTES = 32;
const IV_BYTES = 16;
const AES_BLOCK_BYTES = 16;

/**
 * Decrypts Ansible vault text (format 1.1 or 1.2, AES256) to UTF-8 text, trying the secrets
 * in Ansible's order (see `secretsInTryOrder`). Throws a VaultError: `malformed` or
 * `unsupported` for the envelope, `no-secret` when `secrets` is empty, `wrong-secret` when none
 * passes the HMAC, `malformed` when the plaintext is not UTF-8 (use `decryptVaultBytes` for
 * binary files). No message holds a password or plaintext.
 */
export function decryptVault(text: string, secrets: readonly VaultSecret[]): string {
  const bytes = decryptVaultBytes(text, secrets);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new VaultError('malformed', 'the decrypted vault data is not UTF-8 text');
  }
}

/** `decryptVault` for any bytes: what a vault-encrypted file given to `copy` holds. */
export function decryptVaultBytes(text: string, secrets: readonly VaultSecret[]): Buffer {
  const envelope = parseVaultEnvelope(text);
  if (secrets.length === 0) {
    throw new VaultError('no-secret', 'found vault-encrypted data but no vault secret was given (use --vault-password-file, --vault-id or --ask-vault-pass)');
  }
  for (const secret of secretsInTryOrder(envelope.label, secrets)) {
    const plaintext = decryptWith(envelope, secret.password);
    if (plaintext) return plaintext;
  }
  throw new VaultError('wrong-secret', wrongSecretMessage(envelope.label, secrets));
}

/**
 * The order Ansible tries secrets in: those labelled like the envelope (`default` for a 1.1
 * envelope) first, then all the others, each group in the order given. The label is not
 * authenticated, so every secret gets its turn, as with Ansible's default `vault_id_match: false`.
 */
export function secretsInTryOrder(envelopeLabel: string | undefined, secrets: readonly VaultSecret[]): VaultSecret[] {
  const label = envelopeLabel ?? DEFAULT_VAULT_LABEL;
  return [...secrets.filter((s) => s.label === label), ...secrets.filter((s) => s.label !== label)];
}

/** The plaintext, or `undefined` when the HMAC says this is not the password. */
function decryptWith(envelope: VaultEnvelope, password: Buffer): Buffer | undefined {
  const derived = pbkdf2Sync(password, envelope.salt, PBKDF2_ITERATIONS, AES_KEY_BYTES + HMAC_KEY_BYTES + IV_BYTES, 'sha256');
  try {
    const aesKey = derived.subarray(0, AES_KEY_BYTES);
    const hmacKey = derived.subarray(AES_KEY_BYTES, AES_KEY_BYTES + HMAC_KEY_BYTES);
    const iv = derived.subarray(AES_KEY_BYTES + HMAC_KEY_BYTES);
    // Authenticate before decrypting anything, in constant time (the envelope parser checked the length).
    const expected = createHmac('sha256', hmacKey).update(envelope.ciphertext).digest();
    if (!timingSafeEqual(expected, envelope.hmac)) return undefined;
    const decipher = createDecipheriv('aes-256-ctr', aesKey, iv);
    return unpad(Buffer.concat([decipher.update(envelope.ciphertext), decipher.final()]));
  } finally {
    derived.fill(0);
  }
}

/** Removes PKCS7 padding, checking every pad byte. */
function unpad(padded: Buffer): Buffer {
  const n = padded.length > 0 ? padded[padded.length - 1] : 0;
  const valid = n >= 1 && n <= AES_BLOCK_BYTES && padded.subarray(padded.length - n).every((b) => b === n);
  // The HMAC passed, so this is what was encrypted: only a broken encrypter gets here.
  if (!valid) throw new VaultError('malformed', 'malformed vault data: the HMAC is right but the padding of the plaintext is not');
  return padded.subarray(0, padded.length - n);
}

function wrongSecretMessage(label: string | undefined, secrets: readonly VaultSecret[]): string {
  let message = `no vault secret could decrypt this (tried ${secrets.length}): a wrong password, or the data was changed`;
  if (label !== undefined && !secrets.some((s) => s.label === label)) message += `; it names vault id "${label}", which no secret given has`;
  return message;
}
