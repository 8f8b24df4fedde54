import { execFileSync } from 'node:child_process';
import { readFileSync, type Stats, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { secretMasker } from '../errors/mask-secrets.js';
import { UsageError } from '../errors/tpx-error.js';
import { DEFAULT_VAULT_LABEL } from './vault-format.js';

/** One password to try on vault data, with the vault id (`label`) it was given for. */
export interface VaultSecret {
  readonly label: string;
  readonly password: Buffer;
}

/** The vault options of the command line, as given. */
export interface VaultSecretOptions {
  /** `--vault-id label@source` or `--vault-id source`, in order; a source is a file, a script or `prompt`. */
  readonly vaultIds?: readonly string[];
  /** `--vault-password-file FILE`, in order; each is `--vault-id default@FILE`. */
  readonly vaultPasswordFiles?: readonly string[];
  /** `--ask-vault-pass`: `--vault-id default@prompt`, with Ansible's plain prompt. */
  readonly askVaultPass?: boolean;
}

/** Asks the user for a password without echoing it; the CLI gives one when there is a terminal. */
export type AskPassword = (prompt: string) => Promise<string>;

/** One `--vault-id`, split: where the password comes from and the label it is for. */
export interface VaultIdSpec {
  readonly label: string;
  /** A file or script path, `prompt`, or `prompt_ask_vault_pass` (what `--ask-vault-pass` becomes). */
  readonly source: string;
}

const PROMPT_SOURCES = new Set(['prompt', 'prompt_ask_vault_pass']);
/** What a client script exits with when it has no password for the vault id it was asked for. */
const CLIENT_UNKNOWN_ID_EXIT = 2;

/**
 * The vault secrets the options name, in Ansible's order: every `--vault-id`, then every
 * `--vault-password-file`, then `--ask-vault-pass`. Each password is registered with the
 * secret masker. Any problem with a source (a file missing, empty or unreadable, a script
 * failing, a prompt with no terminal) is a UsageError naming the source, never the password:
 * tpx stops there, where Ansible warns and goes on as long as some other source worked.
 */
export async function loadVaultSecrets(options: VaultSecretOptions, ask?: AskPassword): Promise<VaultSecret[]> {
  const passwordFiles = options.vaultPasswordFiles ?? [];
  if (options.askVaultPass && passwordFiles.length > 0) {
    throw new UsageError('--ask-vault-pass and --vault-password-file cannot be used together (use --vault-id to combine sources)');
  }
  const specs = [
    ...(options.vaultIds ?? []).map(parseVaultId),
    ...passwordFiles.map((file) => ({ label: DEFAULT_VAULT_LABEL, source: file })),
    ...(options.askVaultPass ? [{ label: DEFAULT_VAULT_LABEL, source: 'prompt_ask_vault_pass' }] : []),
  ];
  const secrets: VaultSecret[] = [];
  for (const spec of specs) {
    const password = PROMPT_SOURCES.has(spec.source) ? await promptPassword(spec, ask) : readPasswordSource(spec);
    secretMasker.add(password.toString('utf8'));
    secrets.push({ label: spec.label, password });
  }
  return secrets;
}

/** `label@source` or `source` (label `default`), split at the first `@` as Ansible does. */
export function parseVaultId(value: string): VaultIdSpec {
  const at = value.indexOf('@');
  const label = at < 0 ? '' : value.slice(0, at);
  const source = at < 0 ? value : value.slice(at + 1);
  if (source === '') throw new UsageError(`--vault-id ${value}: no password source (give label@FILE, label@prompt or FILE)`);
  return { label: label || DEFAULT_VAULT_LABEL, source };
}

/**
 * A password file's contents with surrounding whitespace stripped, or, when the file is
 * executable, what the script prints with line breaks stripped from both ends. A script
 * whose name ends in `-client` (before any extension) is asked for the label:
 * `SCRIPT --vault-id LABEL`.
 */
export function readPasswordSource(spec: VaultIdSpec): Buffer {
  const file = expandHome(spec.source);
  const executable = (passwordFileStats(file).mode & 0o111) !== 0;
  const password = executable ? runPasswordScript(file, spec.label) : readPasswordFile(file);
  if (password.length === 0) throw new UsageError(`vault password ${executable ? 'script' : 'file'} gave an empty password: ${file}`);
  return password;
}

function passwordFileStats(file: string): Stats {
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT' || code === 'ENOTDIR' ? `vault password file not found: ${file}` : `could not read vault password file ${file}: ${code}`,
    );
  }
  if (!stats.isFile()) throw new UsageError(`vault password file is not a file: ${file}`);
  return stats;
}

function readPasswordFile(file: string): Buffer {
  try {
    return stripBytes(readFileSync(file), ASCII_WHITESPACE);
  } catch (error) {
    throw new UsageError(`could not read vault password file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

function runPasswordScript(file: string, label: string): Buffer {
  const client = basename(file, extname(file)).endsWith('-client');
  const args = client ? ['--vault-id', label] : [];
  let stdout: Buffer;
  try {
    // stdin and stderr stay the terminal's, so the script can ask for a passphrase itself.
    stdout = execFileSync(file, args, { stdio: ['inherit', 'pipe', 'inherit'], maxBuffer: 1024 * 1024 });
  } catch (error) {
    // Not kept as the cause: the error holds the script's stdout, which may be the password.
    const e = error as NodeJS.ErrnoException & { status?: number | null; signal?: string | null };
    if (e.status === CLIENT_UNKNOWN_ID_EXIT && client) throw new UsageError(`vault password client script ${file} has no password for vault id "${label}"`);
    if (typeof e.status === 'number') throw new UsageError(`vault password script ${file} failed with exit code ${e.status}`);
    if (e.signal) throw new UsageError(`vault password script ${file} was killed by ${e.signal}`);
    throw new UsageError(`could not run vault password script ${file} (${e.code ?? e.message}); if it is not a script, remove its executable bit`);
  }
  return stripBytes(stdout, LINE_BREAKS);
}

async function promptPassword(spec: VaultIdSpec, ask: AskPassword | undefined): Promise<Buffer> {
  const option = spec.source === 'prompt' ? `--vault-id ${spec.label}@prompt` : '--ask-vault-pass';
  if (!ask) throw new UsageError(`${option} needs a terminal to ask for the vault password; use --vault-password-file FILE instead`);
  // --ask-vault-pass keeps Ansible's older prompt, which tools such as AWX wait for.
  const prompt = spec.source === 'prompt' ? `Vault password (${spec.label}): ` : 'Vault password: ';
  const password = stripBytes(Buffer.from(await ask(prompt), 'utf8'), ASCII_WHITESPACE);
  if (password.length === 0) throw new UsageError(`${option}: the vault password is empty`);
  return password;
}

/** Python's `bytes.strip()`: space, tab, line feed, carriage return, vertical tab, form feed. */
const ASCII_WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c]);
const LINE_BREAKS = new Set([0x0a, 0x0d]);

function stripBytes(bytes: Buffer, strip: ReadonlySet<number>): Buffer {
  let start = 0;
  let end = bytes.length;
  while (start < end && strip.has(bytes[start])) start += 1;
  while (end > start && strip.has(bytes[end - 1])) end -= 1;
  return bytes.subarray(start, end);
}

/** `~` and `~/…`, which a shell leaves alone after `label@`; Ansible expands them. */
function expandHome(path: string): string {
  if (path === '~') return homedir();
  return path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}
