import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { UsageError } from '../errors/tpx-error.js';
import { createVaultTag, VAULT_TAG_MESSAGE_START } from '../schema/vault-tag.js';
import { decryptVault } from '../vault/decrypt-vault.js';
import { VaultError } from '../vault/vault-error.js';
import { isVaultText } from '../vault/vault-format.js';
import type { VaultSecret } from '../vault/vault-secrets.js';
import { maskDecryptedValues } from '../vault/vault-values.js';

/**
 * Parses the `-e` values, later ones winning: `KEY=VALUE ...` pairs (values that look
 * like JSON — numbers, true/false, lists, objects — become those types), a JSON object,
 * or `@file.yaml` / `@file.json`. A file encrypted with Ansible Vault, and `!vault` values
 * in a file, are decrypted with `vaultSecrets` (their values registered with the masker).
 */
export function parseExtraVars(values: readonly string[] = [], vaultSecrets: readonly VaultSecret[] = []): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  for (const raw of values) Object.assign(vars, parseOne(raw.trim(), vaultSecrets));
  return vars;
}

function parseOne(raw: string, vaultSecrets: readonly VaultSecret[]): Record<string, unknown> {
  if (raw.startsWith('@')) return readVarsFile(raw.slice(1), vaultSecrets);
  if (raw.startsWith('{')) {
    const value = tryJson(raw);
    if (!isMapping(value)) throw new UsageError(`-e ${raw}: not a valid JSON object`);
    return value;
  }
  return parsePairs(raw);
}

function readVarsFile(file: string, vaultSecrets: readonly VaultSecret[]): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`-e @${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const encrypted = isVaultText(text);
  if (encrypted) text = decryptFile(file, text, vaultSecrets);
  let value: unknown;
  try {
    // Only Ansible's !vault tag: the rest of the file keeps plain YAML 1.2 types, as before.
    value = parse(text, { maxAliasCount: 100, customTags: [createVaultTag(vaultSecrets)] });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    throw new UsageError(`-e @${file}: ${message.startsWith(VAULT_TAG_MESSAGE_START) ? '' : 'not valid YAML/JSON: '}${message}`);
  }
  if (encrypted) maskDecryptedValues(value);
  if (value == null) return {};
  if (!isMapping(value)) throw new UsageError(`-e @${file}: expected a mapping of variables`);
  return value;
}

function decryptFile(file: string, text: string, vaultSecrets: readonly VaultSecret[]): string {
  try {
    return decryptVault(text, vaultSecrets);
  } catch (error) {
    if (!(error instanceof VaultError)) throw error;
    if (error.kind === 'no-secret') {
      throw new UsageError(
        `-e @${file}: the file is encrypted with Ansible Vault: give its password with --vault-password-file FILE, --vault-id or --ask-vault-pass`,
      );
    }
    throw new UsageError(`-e @${file}: the file is encrypted with Ansible Vault and cannot be decrypted: ${error.message}`);
  }
}

/** `a=1 b="two words" c=[1,2]` — shell-like words, each KEY=VALUE. */
function parsePairs(raw: string): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  for (const word of splitWords(raw)) {
    const eq = word.indexOf('=');
    if (eq <= 0) throw new UsageError(`-e ${raw}: expected KEY=VALUE, a JSON object or @file (got "${word}")`);
    const key = word.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new UsageError(`-e ${raw}: "${key}" is not a valid variable name`);
    vars[key] = typedValue(word.slice(eq + 1));
  }
  return vars;
}

/** Splits on whitespace; a quote opens only at the start of a word or of its value (`k="a b"`). */
function splitWords(raw: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | null = null;
  let started = false;
  for (const ch of raw) {
    const atValueStart = !started || current.endsWith('=');
    if (quote) {
      if (ch === quote) quote = null;
      else current += ch;
    } else if ((ch === '"' || ch === "'") && atValueStart) {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) words.push(current);
      current = '';
      started = false;
    } else {
      current += ch;
      started = true;
    }
  }
  if (quote) throw new UsageError(`-e ${raw}: unclosed quote`);
  if (started) words.push(current);
  return words;
}

function typedValue(text: string): unknown {
  if (/^(-?\d+(\.\d+)?|true|false|null|\[.*\]|\{.*\})$/s.test(text)) {
    const value = tryJson(text);
    if (value !== undefined) return value;
  }
  return text;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
