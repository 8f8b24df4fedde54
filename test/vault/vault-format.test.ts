import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { decryptVault } from '../../src/vault/decrypt-vault.js';
import { VaultError } from '../../src/vault/vault-error.js';
import { isVaultText, parseVaultEnvelope, vaultTagValue } from '../../src/vault/vault-format.js';
import type { VaultSecret } from '../../src/vault/vault-secrets.js';
import { AnsibleVaultWorkspace, requireAnsibleVault, skipWithoutAnsibleVault } from '../helpers/ansible-vault.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/vault');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
const secrets: VaultSecret[] = [{ label: 'default', password: Buffer.from(fixture('password').trim()) }];

/** Vault text whose body is the hex of `inner` (Ansible's hex of `hex(salt)\nhex(hmac)\nhex(ciphertext)`). */
const vaultOf = (inner: string, header = '$ANSIBLE_VAULT;1.1;AES256'): string => `${header}\n${Buffer.from(inner, 'latin1').toString('hex')}\n`;
const HMAC = 'ab'.repeat(32);
const BLOCK = 'cd'.repeat(16);

/** YAML as Ansible reads it, with `!vault` scalars decrypted. */
const parseWithVault = (yaml: string, given: readonly VaultSecret[]): unknown =>
  parse(yaml, { customTags: [{ tag: '!vault', resolve: (text: string) => decryptVault(vaultTagValue(text), given) }] });

describe('parseVaultEnvelope', () => {
  it('reads a 1.1 envelope', () => {
    const envelope = parseVaultEnvelope(fixture('plain-1.1.vault'));
    expect({ ...envelope, salt: envelope.salt.length, hmac: envelope.hmac.length, ciphertext: envelope.ciphertext.length }).toEqual({
      version: '1.1',
      cipher: 'AES256',
      label: undefined,
      salt: 32,
      hmac: 32,
      ciphertext: 32,
    });
  });

  it('reads the label of a 1.2 envelope', () => {
    expect(parseVaultEnvelope(fixture('labelled-1.2.vault'))).toMatchObject({ version: '1.2', label: 'prod' });
  });

  it('reads a header with blanks around its fields', () => {
    expect(parseVaultEnvelope(vaultOf(`00\n${HMAC}\n${BLOCK}`, '$ANSIBLE_VAULT ; 1.2 ; AES256 ; dev '))).toMatchObject({ version: '1.2', label: 'dev' });
  });

  it.each([
    ['not vault text', 'password: hunter2\n', 'not-vault', 'not vault-encrypted data: it does not start with $ANSIBLE_VAULT'],
    [
      'format 1.0',
      vaultOf(`00\n${HMAC}\n${BLOCK}`, '$ANSIBLE_VAULT;1.0;AES'),
      'unsupported',
      'vault format 1.0 is not supported: tpx reads formats 1.1 and 1.2',
    ],
    ['format 2.0', '$ANSIBLE_VAULT;2.0;AES256\n00\n', 'unsupported', 'vault format 2.0 is not supported: tpx reads formats 1.1 and 1.2'],
    ['an empty version', '$ANSIBLE_VAULT;;AES256\n00\n', 'unsupported', 'vault format (empty) is not supported: tpx reads formats 1.1 and 1.2'],
    ['the old AES cipher', '$ANSIBLE_VAULT;1.1;AES\n00\n', 'unsupported', 'vault cipher AES is not supported: tpx reads AES256'],
    ['another cipher', '$ANSIBLE_VAULT;1.2;CHACHA20;prod\n00\n', 'unsupported', 'vault cipher CHACHA20 is not supported: tpx reads AES256'],
    ['a look-alike header', '$ANSIBLE_VAULTS;1.1;AES256\n00\n', 'malformed', 'malformed vault data: the header does not start with "$ANSIBLE_VAULT;"'],
    ['a bare header', '$ANSIBLE_VAULT\n', 'malformed', 'malformed vault data: the header has no format version and cipher (like $ANSIBLE_VAULT;1.1;AES256)'],
    [
      '1.1 with a label',
      '$ANSIBLE_VAULT;1.1;AES256;prod\n00\n',
      'malformed',
      'malformed vault data: a format 1.1 header has no vault id (a labelled vault is format 1.2)',
    ],
    ...['$ANSIBLE_VAULT;1.2;AES256', '$ANSIBLE_VAULT;1.2;AES256;', '$ANSIBLE_VAULT;1.2;AES256;a;b'].map((header) => [
      `1.2 header ${header}`,
      `${header}\n00\n`,
      'malformed',
      'malformed vault data: a format 1.2 header needs exactly one vault id, like $ANSIBLE_VAULT;1.2;AES256;prod',
    ]),
    ['no body', '$ANSIBLE_VAULT;1.1;AES256\n\n', 'malformed', 'malformed vault data: there is nothing after the header line'],
    ['a body that is not hex', '$ANSIBLE_VAULT;1.1;AES256\n30zz\n', 'malformed', 'malformed vault data: the vault body is not hexadecimal'],
    [
      'a body cut at half a byte',
      '$ANSIBLE_VAULT;1.1;AES256\n303\n',
      'malformed',
      'malformed vault data: the vault body has an odd number of hex digits (is it truncated?)',
    ],
    ['one part', vaultOf('00'), 'malformed', 'malformed vault data: the body does not hold salt, HMAC and ciphertext (is it truncated?)'],
    ['two parts', vaultOf(`00\n${HMAC}`), 'malformed', 'malformed vault data: the body does not hold salt, HMAC and ciphertext (is it truncated?)'],
    ['a salt that is not hex', vaultOf(`0g\n${HMAC}\n${BLOCK}`), 'malformed', 'malformed vault data: the salt is not hexadecimal'],
    ['an empty salt', vaultOf(`\n${HMAC}\n${BLOCK}`), 'malformed', 'malformed vault data: the salt is empty'],
    ['a short HMAC', vaultOf(`00\n${HMAC.slice(2)}\n${BLOCK}`), 'malformed', 'malformed vault data: the HMAC is 31 bytes, not 32'],
    [
      'an odd HMAC',
      vaultOf(`00\n${HMAC.slice(1)}\n${BLOCK}`),
      'malformed',
      'malformed vault data: the HMAC has an odd number of hex digits (is it truncated?)',
    ],
    ['a third line break', vaultOf(`00\n${HMAC}\n${BLOCK}\n`), 'malformed', 'malformed vault data: the ciphertext is not hexadecimal'],
    [
      'a partial block',
      vaultOf(`00\n${HMAC}\n${BLOCK.slice(2)}`),
      'malformed',
      'malformed vault data: the ciphertext is 15 bytes, not a whole number of 16-byte blocks',
    ],
    ['no ciphertext', vaultOf(`00\n${HMAC}\n`), 'malformed', 'malformed vault data: the ciphertext is 0 bytes, not a whole number of 16-byte blocks'],
  ])('refuses %s', (_name, text, kind, message) => {
    let error: unknown;
    try {
      parseVaultEnvelope(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VaultError);
    expect(error).toMatchObject({ kind, message, code: 'vault' });
  });
});

describe('isVaultText', () => {
  it.each([
    ['$ANSIBLE_VAULT;1.1;AES256\n30\n', true],
    ['$ANSIBLE_VAULT', true],
    ['$ANSIBLE_VAULT;1.1;AES256\n30\u00e9\n', true],
    [' $ANSIBLE_VAULT;1.1;AES256', false],
    ['$ansible_vault;1.1;AES256', false],
    ['key: $ANSIBLE_VAULT', false],
    ['', false],
  ])('%j → %s', (text, expected) => {
    expect(isVaultText(text)).toBe(expected);
  });
});

describe('vaultTagValue', () => {
  it('lets a !vault scalar of encrypt_string output decrypt, through the YAML parser', () => {
    expect(parseWithVault(fixture('encrypt-string.yml'), secrets)).toEqual({ api_token: 'tok-123' });
  });

  it('makes the envelope decryptable from the indented text as encrypt_string prints it', () => {
    const indented = fixture('encrypt-string.yml').split('\n').slice(1).join('\n');
    expect(indented).toMatch(/^ {10}\$ANSIBLE_VAULT;1\.1;AES256\n {10}[0-9a-f]{80}\n/);
    const value = vaultTagValue(`\n${indented}\n\n`);
    expect(value).toMatch(/^\$ANSIBLE_VAULT;1\.1;AES256\n[0-9a-f]{80}\n/);
    expect(value.endsWith('\n') && !value.endsWith('\n\n')).toBe(true);
    expect(decryptVault(value, secrets)).toBe('tok-123');
  });

  it.each(['plain text', '  indented plain\n', ''])('returns text that is not vault data unchanged: %j', (text) => {
    expect(vaultTagValue(text)).toBe(text);
  });
});

describe.skipIf(skipWithoutAnsibleVault)('vaultTagValue agrees with ansible-vault encrypt_string', () => {
  let ws: AnsibleVaultWorkspace;
  let passwordFile = '';
  beforeAll(() => {
    ws = new AnsibleVaultWorkspace();
    passwordFile = ws.write('string-password\n');
  });
  afterAll(() => ws?.remove());
  const given: VaultSecret[] = [{ label: 'web', password: Buffer.from('string-password') }];

  it.each([
    ['a word', 'secret', undefined],
    ['lines', 'first\nsecond\n', undefined],
    ['unicode, format 1.2', 'пароль – 密码 – 🔑', 'web'],
    ['a leading dash and quotes, format 1.2', `-x "it's" \\ ;`, 'web'],
    ['blanks around', '  padded  ', undefined],
  ])('%s', (_name, value, label) => {
    requireAnsibleVault();
    const yaml = ws.encryptString(value, passwordFile, 'the_var', label);
    expect(yaml).toMatch(/^the_var: !vault \|\n/);
    expect(parseWithVault(yaml, given)).toEqual({ the_var: value });
  });
});
