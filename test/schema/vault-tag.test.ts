import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/input-error.js';
import { secretMasker } from '../../src/errors/mask-secrets.js';
import { loadYamlText } from '../../src/schema/load-yaml.js';
import type { VaultSecret } from '../../src/vault/vault-secrets.js';
import { vaultTextOf } from '../../src/vault/vault-values.js';

// `!vault` scalars (ansible-vault encrypt_string) in any YAML tpx loads.

const VAULT = resolve(import.meta.dirname, '../fixtures/vault');
const ENCRYPTED = readFileSync(join(VAULT, 'encrypt-string.yml'), 'utf8');
const SECRET: VaultSecret = { label: 'default', password: Buffer.from(readFileSync(join(VAULT, 'password'), 'utf8').trim()) };
/** The same value indented under a list item, and as a one-line double-quoted scalar. */
const NESTED = `items:\n  - name: x\n    token: ${ENCRYPTED.slice('api_token: '.length).replace(/\n {10}/g, '\n        ')}`;
const VAULT_LINES = ENCRYPTED.split('\n')
  .slice(1)
  .map((l) => l.trim())
  .filter(Boolean);
const FLOW = `token: !vault "${VAULT_LINES.join('\\n')}"\n`;

function problemsOf(text: string, vaultSecrets?: readonly VaultSecret[]): string[] {
  try {
    loadYamlText(text, 'f.yaml', { vaultSecrets });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return error.problems.map((p) => `${p.line}:${p.col}: ${p.message}`);
  }
  throw new Error('expected an InputError');
}

describe('the !vault tag', () => {
  it.each([
    ['a block scalar', ENCRYPTED, ['api_token']],
    ['a block scalar indented deeper', NESTED, ['items', 0, 'token']],
    ['a double-quoted scalar', FLOW, ['token']],
  ])('resolves %s to the decrypted string', (_what, text, path) => {
    const source = loadYamlText(text, 'f.yaml', { vaultSecrets: [SECRET] });
    let value: unknown = source.value;
    for (const key of path) value = (value as Record<string | number, unknown>)[key];
    expect(value).toBe('tok-123');
  });

  it('registers the plaintext with the masker and keeps the vault text it came from', () => {
    loadYamlText(ENCRYPTED, 'f.yaml', { vaultSecrets: [SECRET] });
    expect(secretMasker.mask('Bearer tok-123')).toBe('Bearer ********');
    expect(vaultTextOf('tok-123')).toBe(`${VAULT_LINES.join('\n')}\n`);
    expect(vaultTextOf('not a vault value')).toBeUndefined();
  });

  it.each([
    ['no secrets', undefined],
    ['an empty list of secrets', []],
  ])('with %s, is a problem at the tag, never the vault text as the value', (_what, secrets) => {
    expect(problemsOf(ENCRYPTED, secrets)).toEqual([
      '1:12: this !vault value is encrypted with Ansible Vault: give its password with --vault-password-file FILE, --vault-id or --ask-vault-pass',
    ]);
    expect(problemsOf(NESTED, secrets)[0]).toMatch(/^3:12: this !vault value is encrypted/);
  });

  it('with a wrong password, is a problem at the tag with the vault message', () => {
    expect(problemsOf(ENCRYPTED, [{ label: 'default', password: Buffer.from('wrong') }])).toEqual([
      '1:12: this !vault value cannot be decrypted: no vault secret could decrypt this (tried 1): a wrong password, or the data was changed',
    ]);
  });

  it('refuses a !vault value that is not vault data', () => {
    expect(problemsOf('a: 1\nb: !vault plain text\n', [SECRET])).toEqual([
      '2:4: this !vault value is not vault data tpx can read: not vault-encrypted data: it does not start with $ANSIBLE_VAULT',
    ]);
  });
});
