import { VaultError } from './vault-error.js';

/** The first field of every vault header. */
export const VAULT_HEADER = '$ANSIBLE_VAULT';

/** The label Ansible gives a secret, or a 1.1 envelope, that names none (`--vault-password-file`). */
export const DEFAULT_VAULT_LABEL = 'default';

/** The parts of an `$ANSIBLE_VAULT` envelope, decoded; nothing here is secret. */
export interface VaultEnvelope {
  readonly version: '1.1' | '1.2';
  readonly cipher: 'AES256';
  /** The vault id of a 1.2 envelope; `undefined` for 1.1. Not authenticated: only a hint which secret to try first. */
  readonly label: string | undefined;
  readonly salt: Buffer;
  /** HMAC-SHA256 of the ciphertext, 32 bytes. */
  readonly hmac: Buffer;
  /** AES-256-CTR of the PKCS7-padded plaintext: a whole number of 16-byte blocks. */
  readonly ciphertext: Buffer;
}

const HMAC_BYTES = 32;
const AES_BLOCK_BYTES = 16;
const HEX_DIGITS = /^[0-9a-fA-F]*$/;

/**
 * Whether a text is vault data: it starts with `$ANSIBLE_VAULT`, as Ansible tests it. (Ansible
 * also wants the whole text to be ASCII, else it reads the file as plain YAML; tpx calls such a
 * text vault data so that `parseVaultEnvelope` can say what is wrong with it.)
 */
export function isVaultText(text: string): boolean {
  return text.startsWith(VAULT_HEADER);
}

/**
 * Reads the envelope Ansible writes: a header line `$ANSIBLE_VAULT;1.1;AES256` or
 * `$ANSIBLE_VAULT;1.2;AES256;LABEL`, then lines of hexadecimal that, joined and decoded, are
 * three lines of hexadecimal again: salt, HMAC and ciphertext. Throws a VaultError naming
 * what is unsupported (format 1.0, another cipher) or malformed (truncated, not hexadecimal).
 */
export function parseVaultEnvelope(text: string): VaultEnvelope {
  if (!isVaultText(text)) throw new VaultError('not-vault', `not vault-encrypted data: it does not start with ${VAULT_HEADER}`);
  const lines = text.split(/\r\n|\r|\n/);
  const { version, label } = parseHeader(lines[0]);
  const body = lines
    .slice(1)
    .map((line) => line.trim())
    .join('');
  if (body === '') throw malformed('there is nothing after the header line');
  const [salt, hmac, ciphertext] = splitBody(decodeHex(body, 'the vault body'));
  if (salt.length === 0) throw malformed('the salt is empty');
  if (hmac.length !== HMAC_BYTES) throw malformed(`the HMAC is ${hmac.length} bytes, not ${HMAC_BYTES}`);
  if (ciphertext.length === 0 || ciphertext.length % AES_BLOCK_BYTES !== 0) {
    throw malformed(`the ciphertext is ${ciphertext.length} bytes, not a whole number of ${AES_BLOCK_BYTES}-byte blocks`);
  }
  return { version, cipher: 'AES256', label, salt, hmac, ciphertext };
}

/**
 * The text of a `!vault` YAML scalar, made decryptable: lines trimmed (so the indentation of
 * `encrypt_string` output copied as it is does no harm), blank lines dropped, one line break
 * at the end. Text that is not vault data comes back unchanged, for `parseVaultEnvelope` to refuse.
 */
export function vaultTagValue(text: string): string {
  const lines = text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (lines.length === 0 || !isVaultText(lines[0])) return text;
  return lines.join('\n') + '\n';
}

function parseHeader(line: string): { version: '1.1' | '1.2'; label: string | undefined } {
  const fields = line
    .trim()
    .split(';')
    .map((f) => f.trim());
  if (fields[0] !== VAULT_HEADER) throw malformed(`the header does not start with "${VAULT_HEADER};"`);
  if (fields.length < 3) throw malformed('the header has no format version and cipher (like $ANSIBLE_VAULT;1.1;AES256)');
  const [, version, cipher] = fields;
  if (version !== '1.1' && version !== '1.2') {
    throw new VaultError('unsupported', `vault format ${version || '(empty)'} is not supported: tpx reads formats 1.1 and 1.2`);
  }
  if (cipher !== 'AES256') throw new VaultError('unsupported', `vault cipher ${cipher || '(empty)'} is not supported: tpx reads AES256`);
  if (version === '1.1') {
    if (fields.length > 3) throw malformed('a format 1.1 header has no vault id (a labelled vault is format 1.2)');
    return { version, label: undefined };
  }
  if (fields.length !== 4 || fields[3] === '') throw malformed('a format 1.2 header needs exactly one vault id, like $ANSIBLE_VAULT;1.2;AES256;prod');
  return { version, label: fields[3] };
}

/** The decoded body is `hex(salt)\nhex(hmac)\nhex(ciphertext)`. */
function splitBody(decoded: Buffer): [Buffer, Buffer, Buffer] {
  const inner = decoded.toString('latin1');
  const first = inner.indexOf('\n');
  const second = first < 0 ? -1 : inner.indexOf('\n', first + 1);
  if (second < 0) throw malformed('the body does not hold salt, HMAC and ciphertext (is it truncated?)');
  return [
    decodeHex(inner.slice(0, first), 'the salt'),
    decodeHex(inner.slice(first + 1, second), 'the HMAC'),
    decodeHex(inner.slice(second + 1), 'the ciphertext'),
  ];
}

/** Strict: Buffer.from(…, 'hex') would stop quietly at the first bad character. */
function decodeHex(text: string, what: string): Buffer {
  if (!HEX_DIGITS.test(text)) throw malformed(`${what} is not hexadecimal`);
  if (text.length % 2 === 1) throw malformed(`${what} has an odd number of hex digits (is it truncated?)`);
  return Buffer.from(text, 'hex');
}

function malformed(why: string): VaultError {
  return new VaultError('malformed', `malformed vault data: ${why}`);
}
