import type { ScalarTag } from 'yaml';
import { decryptVault } from '../vault/decrypt-vault.js';
import { VaultError } from '../vault/vault-error.js';
import { vaultTagValue } from '../vault/vault-format.js';
import type { VaultSecret } from '../vault/vault-secrets.js';
import { rememberVaultValue } from '../vault/vault-values.js';

/** Every message of the `!vault` tag starts so (see describeYamlError, which shows them as they are). */
export const VAULT_TAG_MESSAGE_START = 'this !vault value';

/**
 * Ansible's `!vault` tag (what `ansible-vault encrypt_string` writes): the scalar is vault
 * text, and its value is the decrypted string, recorded by rememberVaultValue (masked in all
 * output). Without secrets, or when none decrypts it, the parser gets an error at the tag
 * (a `file:line:col` problem), never the vault text as the value.
 */
export function createVaultTag(secrets: readonly VaultSecret[] = []): ScalarTag {
  return {
    tag: '!vault',
    identify: () => false,
    resolve(text, onError) {
      try {
        const plaintext = decryptVault(vaultTagValue(text), secrets);
        rememberVaultValue(plaintext, text);
        return plaintext;
      } catch (error) {
        if (!(error instanceof VaultError)) throw error;
        onError(vaultTagMessage(error));
        return '';
      }
    },
  };
}

function vaultTagMessage(error: VaultError): string {
  switch (error.kind) {
    case 'no-secret':
      return `${VAULT_TAG_MESSAGE_START} is encrypted with Ansible Vault: give its password with --vault-password-file FILE, --vault-id or --ask-vault-pass`;
    case 'wrong-secret':
      return `${VAULT_TAG_MESSAGE_START} cannot be decrypted: ${error.message}`;
    default:
      return `${VAULT_TAG_MESSAGE_START} is not vault data tpx can read: ${error.message}`;
  }
}
