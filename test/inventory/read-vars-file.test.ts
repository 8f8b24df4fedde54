import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/input-error.js';
import { secretMasker } from '../../src/errors/mask-secrets.js';
import { readVarsFile } from '../../src/inventory/read-vars-file.js';
import type { VaultSecret } from '../../src/vault/vault-secrets.js';
import { AnsibleVaultWorkspace, requireAnsibleVault, skipWithoutAnsibleVault } from '../helpers/ansible-vault.js';

// Vault data in vars files: a file encrypted whole (`ansible-vault encrypt`) and `!vault`
// values (`ansible-vault encrypt_string`), from the fixtures made with ansible-vault 2.14.

const VAULT = resolve(import.meta.dirname, '../fixtures/vault');
const secret = (password: string, label = 'default'): VaultSecret => ({ label, password: Buffer.from(password) });
const FIXTURE = secret(readFileSync(join(VAULT, 'password'), 'utf8').trim());
const PROD = secret(readFileSync(join(VAULT, 'prod-password'), 'utf8').trim(), 'prod');
const WRONG = secret('not the password');

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tpx-vars-vault-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The fixture copied to a vars file of the temp dir. */
function fixture(name: string, as: string): string {
  const file = join(dir, as);
  copyFileSync(join(VAULT, name), file);
  return file;
}

/** `file:line:col: message` of each problem, and whether any shows a source line. */
function problemsOf(read: () => unknown): { problems: string[]; sourceLines: (string | undefined)[] } {
  try {
    read();
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { problems: error.problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`), sourceLines: error.problems.map((p) => p.sourceLine) };
  }
  throw new Error('no InputError');
}

const NEEDS_PASSWORD = 'give its password with --vault-password-file FILE, --vault-id or --ask-vault-pass';

describe('readVarsFile with vault data', () => {
  it('decrypts a vars file encrypted whole, in memory, and registers its values with the masker', () => {
    const file = fixture('labelled-1.2.vault', 'db.yml');
    expect(readVarsFile(file, [FIXTURE, PROD])).toEqual({ db_password: 's3cr3t' });
    expect(readFileSync(file, 'utf8')).toMatch(/^\$ANSIBLE_VAULT;1\.2;AES256;prod\n/);
    expect(secretMasker.mask('password s3cr3t')).toBe('password ********');
  });

  it('decrypts a !vault value of a plain vars file and registers it with the masker', () => {
    const file = fixture('encrypt-string.yml', 'token.yml');
    expect(readVarsFile(file, [FIXTURE])).toEqual({ api_token: 'tok-123' });
    expect(secretMasker.mask('token=tok-123')).toBe('token=********');
  });

  it.each([
    ['a file encrypted whole', 'labelled-1.2.vault', 1, 1, 'this vars file is encrypted with Ansible Vault'],
    ['a !vault value', 'encrypt-string.yml', 1, 12, 'this !vault value is encrypted with Ansible Vault'],
  ])('without secrets, %s is an InputError at its position naming the options', (_what, name, line, col, start) => {
    const file = fixture(name, `no-secret-${line}-${col}.yml`);
    for (const secrets of [undefined, []]) {
      expect(problemsOf(() => readVarsFile(file, secrets)).problems).toEqual([`${file}:${line}:${col}: ${start}: ${NEEDS_PASSWORD}`]);
    }
  });

  it.each([
    ['a file encrypted whole', 'labelled-1.2.vault', '1:1: this vars file is encrypted with Ansible Vault and cannot be decrypted'],
    ['a !vault value', 'encrypt-string.yml', '1:12: this !vault value cannot be decrypted'],
  ])('with a wrong password, %s is an InputError at its position, naming no password', (_what, name, where) => {
    const file = fixture(name, `wrong-${name}`);
    const { problems } = problemsOf(() => readVarsFile(file, [WRONG]));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${where}: no vault secret could decrypt this \\(tried 1\\)`));
    expect(problems[0]).not.toContain('not the password');
  });

  it('names the vault id a 1.2 file wants when no secret has it', () => {
    const file = fixture('labelled-1.2.vault', 'labelled.yml');
    expect(problemsOf(() => readVarsFile(file, [FIXTURE])).problems[0]).toContain('it names vault id "prod", which no secret given has');
  });

  it('refuses vault data it cannot read at the data, secrets or not', () => {
    const file = join(dir, 'truncated.yml');
    writeFileSync(file, 'token: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6161\n');
    expect(problemsOf(() => readVarsFile(file, [FIXTURE])).problems).toEqual([
      `${file}:1:8: this !vault value is not vault data tpx can read: malformed vault data: the body does not hold salt, HMAC and ciphertext (is it truncated?)`,
    ]);
  });

  it('still reads a plain vars file without secrets (the one-argument call)', () => {
    const file = join(dir, 'plain.yml');
    writeFileSync(file, 'a: 1\n');
    expect(readVarsFile(file)).toEqual({ a: 1 });
  });
});

describe.skipIf(skipWithoutAnsibleVault)('readVarsFile with files made by ansible-vault now', () => {
  let vault: AnsibleVaultWorkspace;
  let passwordFile = '';
  const password = secret('made-now password');
  beforeAll(() => {
    vault = new AnsibleVaultWorkspace();
    passwordFile = vault.write('made-now password\n');
  });
  afterAll(() => vault?.remove());

  const encrypted = (name: string, plaintext: string): string => {
    const file = join(dir, name);
    writeFileSync(file, vault.encrypt(plaintext, passwordFile));
    return file;
  };

  it('reports a problem of the decrypted text at its line, without showing the line', () => {
    requireAnsibleVault();
    const file = encrypted('broken.yml', 'a: 1\nb: [unclosed-secret-list\n');
    const { problems, sourceLines } = problemsOf(() => readVarsFile(file, [password]));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(new RegExp(`^${file}:[23]:\\d+: .*\\(in the decrypted text\\)$`));
    expect(sourceLines).toEqual(problems.map(() => undefined));
  });

  it('checks connection variables of the decrypted text, masking the values', () => {
    requireAnsibleVault();
    const file = encrypted('port.yml', 'user: deploy\nansible_port: secret-port-value\n');
    const { problems, sourceLines } = problemsOf(() => readVarsFile(file, [password]));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${file}:2:1: .*\\(in the decrypted text\\)$`));
    expect(sourceLines).toEqual([undefined]);
    expect(secretMasker.mask(problems[0])).not.toContain('secret-port-value');
  });

  it('decrypts !vault values inside a file encrypted whole', () => {
    requireAnsibleVault();
    const inner = vault.encryptString('inner-value-1', passwordFile, 'inner');
    const file = encrypted('nested.yml', `outer: plain\n${inner}`);
    expect(readVarsFile(file, [password])).toEqual({ outer: 'plain', inner: 'inner-value-1' });
  });

  it('reads an empty file encrypted whole as no variables', () => {
    requireAnsibleVault();
    expect(readVarsFile(encrypted('empty.yml', ''), [password])).toEqual({});
  });
});
