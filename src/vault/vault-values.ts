import { secretMasker } from '../errors/mask-secrets.js';

/** The decrypted `!vault` values of this process: plaintext → the vault text it was read from. */
const vaultTexts = new Map<string, string>();

/**
 * Records the plaintext of a `!vault` value as it is decrypted: registered with the secret
 * masker (see SecretMasker.addValue), and kept with its vault text so that a listing can show
 * what `ansible-inventory --list` shows for it (see vaultTextOf).
 */
export function rememberVaultValue(plaintext: string, vaultText: string): void {
  vaultTexts.set(plaintext, vaultText);
  secretMasker.addValue(plaintext);
}

/**
 * The vault text (the `!vault` scalar as written) a string was decrypted from, when it is the
 * plaintext of a `!vault` value. Values are strings, not objects, so this goes by the text: a
 * plain variable that holds the same text as a `!vault` value counts as that value.
 */
export function vaultTextOf(value: unknown): string | undefined {
  return typeof value === 'string' ? vaultTexts.get(value) : undefined;
}

/** Registers every string inside the variables of a decrypted vars file with the secret masker. */
export function maskDecryptedValues(value: unknown): void {
  if (typeof value === 'string') secretMasker.addValue(value);
  // A PIN or a port read from a vaulted file is as secret as a string (short numbers stay, as addValue decides).
  else if (typeof value === 'number' || typeof value === 'bigint') secretMasker.addValue(String(value));
  else if (Array.isArray(value)) for (const v of value) maskDecryptedValues(v);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) maskDecryptedValues(v);
}
