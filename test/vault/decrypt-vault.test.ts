import { createCipheriv, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TpxError } from '../../src/errors/tpx-error.js';
import { decryptVault, decryptVaultBytes, secretsInTryOrder } from '../../src/vault/decrypt-vault.js';
import { VaultError } from '../../src/vault/vault-error.js';
import type { VaultSecret } from '../../src/vault/vault-secrets.js';
import { AnsibleVaultWorkspace, requireAnsibleVault, skipWithoutAnsibleVault } from '../helpers/ansible-vault.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/vault');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
const passwordOf = (name: string): Buffer => Buffer.from(fixture(name).trim());
const secret = (label: string, password: string | Buffer): VaultSecret => ({ label, password: Buffer.from(password) });

/** The error `fn` throws, for checking more than its message. */
function thrown(fn: () => unknown): VaultError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(VaultError);
    return error as VaultError;
  }
  throw new Error('expected a VaultError, nothing was thrown');
}

/** Rewrites the salt, HMAC and ciphertext hex of vault text (the body is hex of those three hex lines). */
function rewriteBody(vault: string, change: (parts: string[]) => string[]): string {
  const [header, ...lines] = vault.trim().split('\n');
  const parts = Buffer.from(lines.join(''), 'hex').toString('latin1').split('\n');
  const body = Buffer.from(change(parts).join('\n'), 'latin1').toString('hex');
  return [header, ...(body.match(/.{1,80}/g) ?? [])].join('\n') + '\n';
}

/** Flips the lowest bit of the byte at `index` of a hex string. */
const flipHexByte = (hex: string, index: number): string => {
  const bytes = Buffer.from(hex, 'hex');
  bytes[index] ^= 1;
  return bytes.toString('hex');
};

/** Vault 1.1 text of exactly `padded` (no padding added), with a valid HMAC: for the padding checks. */
function encryptUnpadded(padded: Buffer, password: string): string {
  const salt = randomBytes(32);
  const derived = pbkdf2Sync(password, salt, 10_000, 80, 'sha256');
  const cipher = createCipheriv('aes-256-ctr', derived.subarray(0, 32), derived.subarray(64));
  const ciphertext = Buffer.concat([cipher.update(padded), cipher.final()]);
  const hmac = createHmac('sha256', derived.subarray(32, 64)).update(ciphertext).digest();
  return rewriteBody('$ANSIBLE_VAULT;1.1;AES256\n00', () => [salt.toString('hex'), hmac.toString('hex'), ciphertext.toString('hex')]);
}

describe('decryptVault on the stored fixtures', () => {
  it('decrypts a 1.1 file with the default password', () => {
    expect(decryptVault(fixture('plain-1.1.vault'), [secret('default', passwordOf('password'))])).toBe('line one\nlíne twö ✓\n');
  });

  it('decrypts a 1.2 file with its labelled password, among others', () => {
    const secrets = [secret('default', passwordOf('password')), secret('prod', passwordOf('prod-password'))];
    expect(decryptVault(fixture('labelled-1.2.vault'), secrets)).toBe('db_password: s3cr3t\n');
  });

  it('does not hold a label to its envelope: a default password decrypts a 1.2 file, as in Ansible', () => {
    expect(decryptVault(fixture('labelled-1.2.vault'), [secret('default', passwordOf('prod-password'))])).toBe('db_password: s3cr3t\n');
  });

  it('reads CRLF line ends and trailing blanks around the body lines', () => {
    const text = fixture('plain-1.1.vault').replace(/\n/g, '  \r\n');
    expect(decryptVault(text, [secret('default', passwordOf('password'))])).toBe('line one\nlíne twö ✓\n');
  });
});

describe('decryptVault failures', () => {
  const right = passwordOf('password');
  const vault = fixture('plain-1.1.vault');

  it('says no secret could decrypt, how many were tried, and nothing secret', () => {
    const error = thrown(() => decryptVault(vault, [secret('default', 'wrong-one'), secret('other', 'wrong-two')]));
    expect(error.kind).toBe('wrong-secret');
    expect(error.message).toBe('no vault secret could decrypt this (tried 2): a wrong password, or the data was changed');
    expect(error).toBeInstanceOf(TpxError);
    expect(error.exitCode).toBe(1);
  });

  it('names the vault id of a 1.2 envelope when no secret has it', () => {
    const error = thrown(() => decryptVault(fixture('labelled-1.2.vault'), [secret('dev', 'wrong')]));
    expect(error.message).toBe(
      'no vault secret could decrypt this (tried 1): a wrong password, or the data was changed; it names vault id "prod", which no secret given has',
    );
  });

  it('asks for a secret when none was given', () => {
    expect(thrown(() => decryptVault(vault, [])).kind).toBe('no-secret');
  });

  it.each([
    ['the ciphertext', 2, 0],
    ['the ciphertext', 2, -1],
    ['the HMAC', 1, 5],
    ['the salt', 0, 31],
  ])('fails the HMAC when one bit of %s changed (part %i, byte %i)', (_what, part, byte) => {
    const tampered = rewriteBody(vault, (parts) => parts.map((p, i) => (i === part ? flipHexByte(p, byte < 0 ? p.length / 2 + byte : byte) : p)));
    expect(thrown(() => decryptVault(tampered, [secret('default', right)])).kind).toBe('wrong-secret');
  });

  it('fails cleanly at every place the text could be cut short, never leaking the plaintext', () => {
    const kinds = new Set<string>();
    for (let end = 0; end < vault.trimEnd().length; end += 1) {
      const error = thrown(() => decryptVault(vault.slice(0, end), [secret('default', right)]));
      expect(error.message).not.toMatch(/line one|tpx-fixture-password/);
      expect(error.shortMessage).toBe(error.message);
      kinds.add(error.kind);
    }
    // A cut inside the header leaves a version or cipher like `1` or `AES2` (unsupported); a cut
    // on a 16-byte boundary of the ciphertext still parses, and then the HMAC catches it.
    expect([...kinds].sort()).toEqual(['malformed', 'not-vault', 'unsupported', 'wrong-secret']);
  });

  it.each([
    ['a zero pad byte', Buffer.concat([Buffer.from('fifteen bytes!!'), Buffer.from([0])])],
    ['a pad byte over 16', Buffer.concat([Buffer.from('fifteen bytes!!'), Buffer.from([17])])],
    ['pad bytes that differ', Buffer.concat([Buffer.from('fourteen bytes'), Buffer.from([1, 2])])],
  ])('refuses a plaintext with %s even when the HMAC is right', (_what, padded) => {
    const error = thrown(() => decryptVault(encryptUnpadded(padded, 'pw'), [secret('default', 'pw')]));
    expect(error.message).toBe('malformed vault data: the HMAC is right but the padding of the plaintext is not');
  });

  it('reads any bytes with decryptVaultBytes, and refuses them as text when they are not UTF-8', () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x41]);
    const padded = Buffer.concat([bytes, Buffer.alloc(11, 11)]);
    const text = encryptUnpadded(padded, 'pw');
    expect(decryptVaultBytes(text, [secret('default', 'pw')])).toEqual(bytes);
    expect(thrown(() => decryptVault(text, [secret('default', 'pw')])).message).toBe('the decrypted vault data is not UTF-8 text');
  });
});

describe('secretsInTryOrder', () => {
  const a = secret('default', 'a');
  const b = secret('prod', 'b');
  const c = secret('dev', 'c');
  const d = secret('prod', 'd');
  it.each([
    ['a 1.1 envelope: default first', undefined, [b, a, c], [a, b, c]],
    ['a 1.2 envelope: its label first, all of them in order', 'prod', [a, b, c, d], [b, d, a, c]],
    ['a label no secret has: the order given', 'qa', [c, a, b], [c, a, b]],
  ])('%s', (_name, label, given, expected) => {
    expect(secretsInTryOrder(label, given)).toEqual(expected);
  });
});

// The oracle: vault data made by Debian's ansible-core must decrypt to exactly what went in.
const PLAINTEXTS: Record<string, string> = {
  'a word': 'hello',
  'lines with a final line break': 'line one\nline two\n',
  'lines without one': 'first\nsecond',
  empty: '',
  'only a line break': '\n',
  'white space around': '  spaced out\t \n\n',
  unicode: 'naïve café — 日本語 🔐 e\u0301\n',
  'one full block (16 bytes: a whole pad block)': '0123456789abcdef',
  'fifteen bytes': '0123456789abcde',
  'CRLF line ends': 'a\r\nb\r\n',
  'YAML with a header look-alike': 'user: ops\npassword: "p@ss;word"\nnote: $ANSIBLE_VAULT;1.1;AES256\n',
  'long (many 80-column lines)': `${'x'.repeat(1000)}\n${'y'.repeat(333)}`,
};

describe.skipIf(skipWithoutAnsibleVault)('decryptVault agrees with ansible-vault', () => {
  let ws: AnsibleVaultWorkspace;
  let passwordFile = '';
  const password = 'correct horse battery staple';
  beforeAll(() => {
    ws = new AnsibleVaultWorkspace();
    passwordFile = ws.write(`${password}\n`);
  });
  afterAll(() => ws?.remove());

  for (const [name, plaintext] of Object.entries(PLAINTEXTS)) {
    it(`decrypts ${name}, format 1.1 and 1.2`, () => {
      requireAnsibleVault();
      const v11 = ws.encrypt(plaintext, passwordFile);
      const v12 = ws.encrypt(plaintext, passwordFile, 'prod');
      expect(v11.split('\n')[0]).toBe('$ANSIBLE_VAULT;1.1;AES256');
      expect(v12.split('\n')[0]).toBe('$ANSIBLE_VAULT;1.2;AES256;prod');
      expect(decryptVault(v11, [secret('default', password)])).toBe(plaintext);
      expect(decryptVault(v12, [secret('dev', 'not this one'), secret('prod', password)])).toBe(plaintext);
    });
  }

  it('decrypts binary data byte for byte', () => {
    requireAnsibleVault();
    const bytes = randomBytes(301);
    expect(decryptVaultBytes(ws.encrypt(bytes, passwordFile), [secret('default', password)])).toEqual(bytes);
  });

  it('refuses a wrong password without naming it or the plaintext', () => {
    requireAnsibleVault();
    const vault = ws.encrypt('the plaintext itself', passwordFile, 'prod');
    const error = thrown(() => decryptVault(vault, [secret('prod', 'Tr0ub4dor&3')]));
    expect(error.message).toMatch(/^no vault secret could decrypt this \(tried 1\)/);
    expect(error.message).not.toMatch(/Tr0ub4dor|plaintext itself|correct horse/);
  });
});
