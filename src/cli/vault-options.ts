import type { Command } from 'commander';
import { canPrompt, promptSecretOnTty } from '../transport/ssh/passphrase-prompt.js';
import { loadVaultSecrets, type VaultSecret } from '../vault/vault-secrets.js';

/** The vault options of `tpx run`, `tpx validate` and `tpx inventory`, as commander gives them. */
export interface VaultCliOptions {
  readonly vaultPasswordFile?: readonly string[];
  readonly vaultId?: readonly string[];
  readonly askVaultPass?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Adds `--vault-password-file`, `--vault-id` and `-J, --ask-vault-pass` (Ansible's names) to a command. */
export function addVaultOptions(command: Command): Command {
  return command
    .option('--vault-password-file <file>', 'read the vault password from this file, or run it when it is executable (repeatable)', collect)
    .option('--vault-id <id>', 'a vault password for a vault id: label@FILE, label@prompt or FILE (repeatable)', collect)
    .option('-J, --ask-vault-pass', 'prompt for the vault password');
}

/**
 * The vault secrets the options name (see loadVaultSecrets: each password registered with
 * the secret masker), asked on the terminal for `--ask-vault-pass` and `--vault-id L@prompt`.
 * Load them once, before any input, and pass them to every loader.
 */
export function loadCliVaultSecrets(options: VaultCliOptions): Promise<VaultSecret[]> {
  return loadVaultSecrets(
    { vaultIds: options.vaultId, vaultPasswordFiles: options.vaultPasswordFile, askVaultPass: options.askVaultPass },
    canPrompt() ? promptSecretOnTty : undefined,
  );
}
