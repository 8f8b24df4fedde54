import { describe, expect, it } from 'vitest';
import { secretMasker } from '../../src/errors/mask-secrets.js';
import { maskDecryptedValues } from '../../src/vault/vault-values.js';

describe('maskDecryptedValues', () => {
  it('masks strings and numbers read from vault data, however nested', () => {
    maskDecryptedValues({ db: { password: 'pw-from-vault', pin: 83472931 }, list: ['nested-secret-x'] });
    const shown = secretMasker.mask('pw-from-vault 83472931 nested-secret-x');
    expect(shown).not.toMatch(/pw-from-vault|83472931|nested-secret-x/);
  });
});
