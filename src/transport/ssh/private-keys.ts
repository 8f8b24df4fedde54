import { readFile } from 'node:fs/promises';
import ssh2, { type ParsedKey } from 'ssh2';
import { secretMasker } from '../../errors/mask-secrets.js';
import { canPrompt, promptSecretOnTty, type SecretPrompt } from './passphrase-prompt.js';

/** A private key ready for publickey authentication, or why it could not be used. */
export type LoadedKey = { readonly file: string; readonly key: ParsedKey } | { readonly file: string; readonly problem: string };

/** Where passphrases come from. */
export interface PassphraseSource {
  readonly env?: NodeJS.ProcessEnv;
  /** Default: a no-echo prompt when stdin is a TTY. */
  readonly prompt?: SecretPrompt;
  readonly interactive?: boolean;
}

const asked = new Map<string, Promise<string>>();

/**
 * Reads and parses OpenSSH private keys (ed25519, ecdsa, rsa). An encrypted key takes its
 * passphrase from TPX_KEY_PASSPHRASE, else from a prompt (once per file per run) when a
 * person is there; otherwise the key is reported unusable with what to do.
 */
export async function loadPrivateKeys(files: readonly string[], source: PassphraseSource = {}): Promise<LoadedKey[]> {
  return Promise.all(files.map((file) => loadPrivateKey(file, source)));
}

async function loadPrivateKey(file: string, source: PassphraseSource): Promise<LoadedKey> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (err) {
    return { file, problem: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
  const plain = parseFirst(data);
  if (!(plain instanceof Error)) return { file, key: plain };
  if (!/encrypted|passphrase/i.test(plain.message)) return { file, problem: `${file} is not a usable private key: ${plain.message}` };

  const env = source.env ?? process.env;
  let passphrase = env.TPX_KEY_PASSPHRASE;
  if (!passphrase) {
    const interactive = source.interactive ?? (source.prompt !== undefined || canPrompt());
    if (!interactive) return { file, problem: `${file} is encrypted: set TPX_KEY_PASSPHRASE (or run tpx on a terminal to be asked)` };
    const prompt = source.prompt ?? promptSecretOnTty;
    if (!asked.has(file)) asked.set(file, prompt(`Enter passphrase for key '${file}': `));
    passphrase = await asked.get(file)!;
  }
  secretMasker.add(passphrase);
  const key = parseFirst(data, passphrase);
  if (key instanceof Error) {
    asked.delete(file);
    return { file, problem: `cannot decrypt ${file}: wrong passphrase (TPX_KEY_PASSPHRASE or the one typed)` };
  }
  return { file, key };
}

function parseFirst(data: Buffer, passphrase?: string): ParsedKey | Error {
  const parsed = ssh2.utils.parseKey(data, passphrase);
  if (parsed instanceof Error) return parsed;
  return Array.isArray(parsed) ? parsed[0] : parsed;
}
