import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { secretMasker } from '../../src/errors/mask-secrets.js';
import { UsageError } from '../../src/errors/tpx-error.js';
import { decryptVault } from '../../src/vault/decrypt-vault.js';
import { type AskPassword, loadVaultSecrets, parseVaultId, type VaultSecretOptions } from '../../src/vault/vault-secrets.js';
import { AnsibleVaultWorkspace, requireAnsibleVault, skipWithoutAnsibleVault } from '../helpers/ansible-vault.js';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tpx-vault-secrets-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a file in the temp dir; an executable one when `mode` says so. */
const write = (name: string, content: string, mode = 0o600): string => {
  const file = join(dir, name);
  writeFileSync(file, content, { mode });
  return file;
};
const script = (name: string, body: string): string => write(name, `#!/bin/sh\n${body}\n`, 0o700);

/** The secrets as `label=password` text, for comparing. */
async function load(options: VaultSecretOptions, ask?: AskPassword): Promise<string[]> {
  return (await loadVaultSecrets(options, ask)).map((s) => `${s.label}=${s.password.toString('utf8')}`);
}

/** The UsageError loading throws; its message must not hold any of `secrets`. */
async function usageError(options: VaultSecretOptions, ask?: AskPassword, secrets: string[] = []): Promise<UsageError> {
  const error = await loadVaultSecrets(options, ask).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  const usage = error as UsageError;
  expect(usage.exitCode).toBe(5);
  for (const s of secrets) expect(usage.message).not.toContain(s);
  return usage;
}

describe('parseVaultId', () => {
  it.each([
    ['prod@/etc/pw', { label: 'prod', source: '/etc/pw' }],
    ['/etc/pw', { label: 'default', source: '/etc/pw' }],
    ['@/etc/pw', { label: 'default', source: '/etc/pw' }],
    ['prompt', { label: 'default', source: 'prompt' }],
    ['dev@prompt', { label: 'dev', source: 'prompt' }],
    ['a@b@c', { label: 'a', source: 'b@c' }],
  ])('%s', (value, expected) => {
    expect(parseVaultId(value)).toEqual(expected);
  });

  it('refuses a label with no source', () => {
    expect(() => parseVaultId('prod@')).toThrow(new UsageError('--vault-id prod@: no password source (give label@FILE, label@prompt or FILE)'));
  });
});

describe('loadVaultSecrets from files', () => {
  it('gives nothing when no option names a secret', async () => {
    expect(await load({})).toEqual([]);
  });

  it('takes every --vault-id, then every --vault-password-file (labelled default), in order', async () => {
    const [a, b, c] = [write('a', 'pw-a\n'), write('b', 'pw-b\n'), write('c', 'pw-c\n')];
    expect(await load({ vaultIds: [`prod@${a}`, b], vaultPasswordFiles: [c] })).toEqual(['prod=pw-a', 'default=pw-b', 'default=pw-c']);
  });

  it.each([
    ['a final line break', 'hunter2\n', 'hunter2'],
    ['CRLF and blank lines', 'hunter2\r\n\r\n', 'hunter2'],
    ['blanks on both sides, kept inside', ' \t pass word \n', 'pass word'],
    ['lines inside', 'one\ntwo\n', 'one\ntwo'],
    ['unicode', 'пароль\n', 'пароль'],
  ])('strips a password file as Ansible does: %s', async (_name, content, expected) => {
    expect(await load({ vaultPasswordFiles: [write('pw', content)] })).toEqual([`default=${expected}`]);
  });

  it('reads a file that is not executable, even a script', async () => {
    expect(await load({ vaultPasswordFiles: [write('pw', '#!/bin/sh\necho x\n')] })).toEqual(['default=#!/bin/sh\necho x']);
  });

  it.each(['', '\n', ' \t\r\n'])('refuses an empty password file: %j', async (content) => {
    const file = write('pw', content);
    expect((await usageError({ vaultPasswordFiles: [file] })).message).toBe(`vault password file gave an empty password: ${file}`);
  });

  it('refuses a missing file and a directory, naming them', async () => {
    const missing = join(dir, 'nope');
    expect((await usageError({ vaultIds: [`prod@${missing}`] })).message).toBe(`vault password file not found: ${missing}`);
    mkdirSync(join(dir, 'sub'));
    expect((await usageError({ vaultPasswordFiles: [join(dir, 'sub')] })).message).toBe(`vault password file is not a file: ${join(dir, 'sub')}`);
  });

  it('expands ~/ after label@, which the shell does not', async () => {
    const home = process.env.HOME;
    process.env.HOME = dir;
    try {
      write('pw', 'from-home\n');
      expect(await load({ vaultIds: ['prod@~/pw'] })).toEqual(['prod=from-home']);
    } finally {
      process.env.HOME = home;
    }
  });

  it('registers every password with the secret masker', async () => {
    await load({ vaultPasswordFiles: [write('pw', 'mask-me-7f3a\n')] });
    expect(secretMasker.mask('the password is mask-me-7f3a.')).toBe('the password is ********.');
  });
});

describe('loadVaultSecrets from scripts', () => {
  it('runs an executable file and strips only line breaks from what it prints', async () => {
    expect(await load({ vaultPasswordFiles: [script('pw.sh', "printf ' scr pw \\n\\n'")] })).toEqual(['default= scr pw ']);
  });

  it('passes --vault-id LABEL to a client script (a name ending in -client)', async () => {
    const client = script('pw-client.py', 'printf "%s %s" "$1" "$2"');
    expect(await load({ vaultIds: [`prod@${client}`] })).toEqual(['prod=--vault-id prod']);
  });

  it('says which vault id a client script had no password for (exit 2)', async () => {
    const client = script('keyring-client', 'exit 2');
    expect((await usageError({ vaultIds: [`qa@${client}`] })).message).toBe(`vault password client script ${client} has no password for vault id "qa"`);
  });

  it('refuses a script that fails or prints nothing', async () => {
    const failing = script('fail.sh', 'exit 3');
    expect((await usageError({ vaultPasswordFiles: [failing] })).message).toBe(`vault password script ${failing} failed with exit code 3`);
    const silent = script('silent.sh', 'printf "\\r\\n"');
    expect((await usageError({ vaultPasswordFiles: [silent] })).message).toBe(`vault password script gave an empty password: ${silent}`);
  });
});

describe('loadVaultSecrets by prompting', () => {
  /** An `ask` that answers from a list and records the prompts. */
  const asker = (answers: string[]): { ask: AskPassword; prompts: string[] } => {
    const prompts: string[] = [];
    const ask: AskPassword = async (prompt) => {
      prompts.push(prompt);
      return answers.shift() ?? '';
    };
    return { prompts, ask };
  };

  it("asks with Ansible's prompts: labelled for --vault-id, plain for --ask-vault-pass, blanks stripped", async () => {
    const { ask, prompts } = asker(['  dev pw \n', 'default pw']);
    expect(await load({ vaultIds: ['dev@prompt'], askVaultPass: true }, ask)).toEqual(['dev=dev pw', 'default=default pw']);
    expect(prompts).toEqual(['Vault password (dev): ', 'Vault password: ']);
  });

  it('asks for --vault-id prompt under the default label', async () => {
    const { ask, prompts } = asker(['pw']);
    expect(await load({ vaultIds: ['prompt'] }, ask)).toEqual(['default=pw']);
    expect(prompts).toEqual(['Vault password (default): ']);
  });

  it('says to use --vault-password-file when there is no terminal to ask on', async () => {
    expect((await usageError({ askVaultPass: true })).message).toBe(
      '--ask-vault-pass needs a terminal to ask for the vault password; use --vault-password-file FILE instead',
    );
    expect((await usageError({ vaultIds: ['prod@prompt'] })).message).toBe(
      '--vault-id prod@prompt needs a terminal to ask for the vault password; use --vault-password-file FILE instead',
    );
  });

  it('refuses an empty answer', async () => {
    expect((await usageError({ askVaultPass: true }, asker([' \n']).ask)).message).toBe('--ask-vault-pass: the vault password is empty');
  });

  it('refuses --ask-vault-pass with --vault-password-file, as Ansible does', async () => {
    const file = write('pw', 'pw\n');
    const error = await usageError({ askVaultPass: true, vaultPasswordFiles: [file] }, asker(['x']).ask);
    expect(error.message).toBe('--ask-vault-pass and --vault-password-file cannot be used together (use --vault-id to combine sources)');
  });
});

// The oracle: ansible-vault reads the same password file or script; what it encrypts with the
// password it read, tpx must decrypt with the password it read.
describe.skipIf(skipWithoutAnsibleVault)('password sources agree with ansible-vault', () => {
  let ws: AnsibleVaultWorkspace;
  beforeAll(() => {
    ws = new AnsibleVaultWorkspace();
  });
  afterAll(() => ws?.remove());

  it.each([
    ['a file with blanks and CRLF around', ' \t pass word \r\n\r\n', 0o600, undefined],
    ['a unicode file', 'пароль\n', 0o600, 'prod'],
    ['a script printing blanks around', "#!/bin/sh\nprintf ' scr pw \\r\\n'\n", 0o700, undefined],
    ['a script printing lines', "#!/bin/sh\nprintf 'a\\nb\\n'\n", 0o700, 'prod'],
  ])('%s', async (_name, content, mode, label) => {
    requireAnsibleVault();
    const source = ws.write(content, mode);
    const vault = ws.encrypt('agreed\n', source, label);
    const secrets = await loadVaultSecrets(label === undefined ? { vaultPasswordFiles: [source] } : { vaultIds: [`${label}@${source}`] });
    expect(decryptVault(vault, secrets)).toBe('agreed\n');
  });

  it('runs a client script with the same arguments', async () => {
    requireAnsibleVault();
    const client = join(ws.dir, 'pw-client');
    writeFileSync(client, '#!/bin/sh\n[ "$1 $2" = "--vault-id prod" ] || exit 2\necho client-pw\n', { mode: 0o700 });
    const vault = ws.encrypt('agreed\n', client, 'prod');
    expect(decryptVault(vault, await loadVaultSecrets({ vaultIds: [`prod@${client}`] }))).toBe('agreed\n');
  });
});
