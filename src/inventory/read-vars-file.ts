import { InputError, type InputProblem } from '../errors/input-error.js';
import { createInputError } from '../schema/clean-problems.js';
import { loadYamlText, readInputText, type YamlSource } from '../schema/load-yaml.js';
import { decryptVault } from '../vault/decrypt-vault.js';
import { VaultError } from '../vault/vault-error.js';
import { isVaultText } from '../vault/vault-format.js';
import type { VaultSecret } from '../vault/vault-secrets.js';
import { maskDecryptedValues } from '../vault/vault-values.js';
import { connectionVarProblem } from './connection-vars.js';

type Vars = Readonly<Record<string, unknown>>;
const EMPTY: Vars = Object.freeze({});

/**
 * Reads one vars file: a mapping of variable names, or nothing (empty file, only comments).
 * A file encrypted whole with Ansible Vault is decrypted with `secrets`, in memory only, and
 * every string in it registered with the secret masker; `!vault` values are decrypted too
 * (see LoadYamlOptions.vaultSecrets). Vault data and no secrets, or no secret that decrypts
 * it, is an InputError at the data's position. Problems in a decrypted file name the vault
 * file, with lines of the decrypted text and no source line (it would show the plaintext).
 */
export function readVarsFile(file: string, secrets?: readonly VaultSecret[]): Vars {
  const text = readInputText(file);
  // An empty vars file is fine in Ansible: it sets nothing.
  if (!isVaultText(text)) return checkVars(loadYamlText(text, file, { allowEmpty: true, vaultSecrets: secrets }));
  const plaintext = decryptVarsFile(file, text, secrets ?? []);
  try {
    const source = loadYamlText(plaintext, file, { allowEmpty: true, vaultSecrets: secrets });
    // Before the checks: their messages may quote a value.
    maskDecryptedValues(source.value);
    return checkVars(source);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new InputError(error.problems.map(({ file: f, line, col, message }) => ({ file: f, line, col, message: `${message} (in the decrypted text)` })));
  }
}

function decryptVarsFile(file: string, text: string, secrets: readonly VaultSecret[]): string {
  try {
    return decryptVault(text, secrets);
  } catch (error) {
    if (!(error instanceof VaultError)) throw error;
    const message =
      error.kind === 'no-secret'
        ? 'this vars file is encrypted with Ansible Vault: give its password with --vault-password-file FILE, --vault-id or --ask-vault-pass'
        : error.kind === 'wrong-secret'
          ? `this vars file is encrypted with Ansible Vault and cannot be decrypted: ${error.message}`
          : `this vars file is not vault data tpx can read: ${error.message}`;
    throw createInputError([{ file, line: 1, col: 1, message, sourceLine: text.slice(0, text.search(/\r?\n|$/)) }]);
  }
}

/** The file's variables, or an InputError: not a mapping, or a connection variable of the wrong type. */
function checkVars(source: YamlSource): Vars {
  const { file, value } = source;
  if (value === null || value === undefined) return EMPTY;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError([
      { file, line: 1, col: 1, message: 'a vars file holds a mapping of variable names to values (key: value lines)', sourceLine: source.lineText(1) },
    ]);
  }
  const problems: InputProblem[] = [];
  for (const [name, v] of Object.entries(value)) {
    const message = connectionVarProblem(name, v);
    if (!message) continue;
    const pos = source.keyPosOf([name]);
    problems.push({ ...pos, message, sourceLine: source.lineText(pos.line) });
  }
  if (problems.length > 0) throw new InputError(problems);
  return value as Vars;
}
