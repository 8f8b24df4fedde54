import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExtraVars } from '../../src/cli/extra-vars.js';
import { secretMasker } from '../../src/errors/mask-secrets.js';
import { UsageError } from '../../src/errors/tpx-error.js';
import type { VaultSecret } from '../../src/vault/vault-secrets.js';

describe('parseExtraVars', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tpx-ev-'));
  writeFileSync(join(dir, 'vars.yaml'), 'kuma_version: 2.10.1\nserial: [1, "50%"]\n');
  writeFileSync(join(dir, 'list.yaml'), '- a\n- b\n');

  it.each([
    [['kuma_version=2.10.1'], { kuma_version: '2.10.1' }],
    [['a=1 b=two'], { a: 1, b: 'two' }],
    [['msg="two words" x=\'y z\''], { msg: 'two words', x: 'y z' }],
    [['flag=true n=null'], { flag: true, n: null }],
    [['serial=[1,"25%"]'], { serial: [1, '25%'] }],
    [['{"a": {"b": 1}}'], { a: { b: 1 } }],
    [['a=1', 'a=2'], { a: 2 }],
    [['url=http://x/?a=b'], { url: 'http://x/?a=b' }],
    [[`@${join(dir, 'vars.yaml')}`], { kuma_version: '2.10.1', serial: [1, '50%'] }],
  ])('%j → %j', (input, expected) => {
    expect(parseExtraVars(input)).toEqual(expected);
  });

  it.each([
    ['novalue', /expected KEY=VALUE/],
    ['1abc=2', /not a valid variable name/],
    ['{"a": ', /not a valid JSON object/],
    ['a="open', /unclosed quote/],
    [`@${join(dir, 'missing.yaml')}`, /cannot read the file \(ENOENT\)/],
    [`@${join(dir, 'list.yaml')}`, /expected a mapping/],
  ])('rejects %s', (input, message) => {
    expect(() => parseExtraVars([input])).toThrow(UsageError);
    expect(() => parseExtraVars([input])).toThrow(message);
  });
});

describe('parseExtraVars with vault data', () => {
  const VAULT = resolve(import.meta.dirname, '../fixtures/vault');
  const secret = (file: string, label: string): VaultSecret => ({ label, password: Buffer.from(readFileSync(join(VAULT, file), 'utf8').trim()) });
  const SECRETS = [secret('password', 'default'), secret('prod-password', 'prod')];
  const encrypted = `@${join(VAULT, 'labelled-1.2.vault')}`;
  const tagged = `@${join(VAULT, 'encrypt-string.yml')}`;

  it('decrypts a file encrypted whole and !vault values, masking what they hold', () => {
    expect(parseExtraVars([encrypted, tagged], SECRETS)).toEqual({ db_password: 's3cr3t', api_token: 'tok-123' });
    expect(secretMasker.mask('s3cr3t tok-123')).toBe('******** ********');
  });

  it.each([
    ['a file encrypted whole, no secret', encrypted, [], /the file is encrypted with Ansible Vault: give its password with --vault-password-file FILE/],
    [
      'a file encrypted whole, a wrong secret',
      encrypted,
      [SECRETS[0]],
      /the file is encrypted with Ansible Vault and cannot be decrypted: no vault secret could decrypt this/,
    ],
    ['a !vault value, no secret', tagged, [], /: this !vault value is encrypted with Ansible Vault: give its password .* at line 1, column 12/],
    ['a !vault value, a wrong secret', tagged, [SECRETS[1]], /: this !vault value cannot be decrypted/],
  ])('refuses %s, never reading the vault text as a value', (_what, input, secrets, message) => {
    expect(() => parseExtraVars([input], secrets)).toThrow(UsageError);
    expect(() => parseExtraVars([input], secrets)).toThrow(message);
  });
});
