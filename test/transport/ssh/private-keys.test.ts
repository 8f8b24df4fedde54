import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretMasker } from '../../../src/errors/mask-secrets.js';
import { loadPrivateKeys } from '../../../src/transport/ssh/private-keys.js';
import { generateKeyPair } from './support/test-ssh-server.js';

describe('loadPrivateKeys', () => {
  let dir: string;
  const files: Record<string, string> = {};
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tpx-keys-'));
    for (const type of ['ed25519', 'ecdsa', 'rsa'] as const) {
      files[type] = join(dir, `id_${type}`);
      writeFileSync(files[type], generateKeyPair(type).private);
    }
    files.encrypted = join(dir, 'id_enc');
    writeFileSync(files.encrypted, generateKeyPair('ed25519', 'Pass-phrase-77').private);
    files.junk = join(dir, 'junk');
    writeFileSync(files.junk, 'not a key');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('parses ed25519, ecdsa and rsa keys', async () => {
    const keys = await loadPrivateKeys([files.ed25519, files.ecdsa, files.rsa], { env: {} });
    expect(keys.map((k) => ('key' in k ? k.key.type : k.problem))).toEqual(['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ssh-rsa']);
  });

  it('reports junk and missing files as unusable, with the file', async () => {
    const [junk, missing] = await loadPrivateKeys([files.junk, join(dir, 'nope')], { env: {} });
    expect('problem' in junk && junk.problem).toMatch(new RegExp(`^${files.junk} is not a usable private key`));
    expect('problem' in missing && missing.problem).toBe(`cannot read ${join(dir, 'nope')}: ENOENT`);
  });

  it('takes the passphrase from TPX_KEY_PASSPHRASE and masks it', async () => {
    const [k] = await loadPrivateKeys([files.encrypted], { env: { TPX_KEY_PASSPHRASE: 'Pass-phrase-77' } });
    expect('key' in k).toBe(true);
    expect(secretMasker.mask('x Pass-phrase-77 y')).toBe('x ******** y');
  });

  it('asks the prompt once per file when there is a person to ask', async () => {
    const questions: string[] = [];
    const prompt = async (q: string): Promise<string> => {
      questions.push(q);
      return 'Pass-phrase-77';
    };
    const keys = await loadPrivateKeys([files.encrypted, files.encrypted], { env: {}, prompt });
    expect(keys.every((k) => 'key' in k)).toBe(true);
    expect(questions).toEqual([`Enter passphrase for key '${files.encrypted}': `]);
  });

  it('says a wrong passphrase is wrong', async () => {
    const [k] = await loadPrivateKeys([files.encrypted], { env: { TPX_KEY_PASSPHRASE: 'nope' } });
    expect('problem' in k && k.problem).toBe(`cannot decrypt ${files.encrypted}: wrong passphrase (TPX_KEY_PASSPHRASE or the one typed)`);
  });

  it('without a terminal and without TPX_KEY_PASSPHRASE says what to set', async () => {
    const [k] = await loadPrivateKeys([files.encrypted], { env: {}, interactive: false });
    expect('problem' in k && k.problem).toBe(`${files.encrypted} is encrypted: set TPX_KEY_PASSPHRASE (or run tpx on a terminal to be asked)`);
  });
});
