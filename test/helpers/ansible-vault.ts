import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';

/** Whether Debian's ansible-core (`ansible-vault`), the oracle of test/vault/, is installed. */
export const hasAnsibleVault = spawnSync('ansible-vault', ['--version'], { stdio: 'ignore' }).status === 0;

/** Skip the oracle tests without ansible-vault, except in CI (any CI value, as test/template/ansible-compat.test.ts), where `requireAnsibleVault` fails them. */
export const skipWithoutAnsibleVault = !hasAnsibleVault && !process.env.CI;

/** The first assertion of every oracle test: in CI a missing ansible-vault is a failure, not a skip. */
export function requireAnsibleVault(): void {
  expect(hasAnsibleVault, 'ansible-vault is missing (apt-get install ansible-core); in CI the vault comparison must run').toBe(true);
}

/**
 * A temp dir holding password files and an empty ansible.cfg, with ansible-vault run under it
 * so that no local configuration (ANSIBLE_VAULT_* variables, ./ansible.cfg) leaks in.
 * Plaintexts go to ansible-vault on stdin or argv, never into a file.
 */
export class AnsibleVaultWorkspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'tpx-vault-'));
  private readonly env: NodeJS.ProcessEnv;
  private files = 0;

  constructor() {
    writeFileSync(join(this.dir, 'ansible.cfg'), '');
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ANSIBLE_')));
    this.env = { ...env, ANSIBLE_CONFIG: join(this.dir, 'ansible.cfg') };
  }

  /** Writes a file in the workspace (a password file, a script); returns its path. */
  write(content: string | Buffer, mode = 0o600): string {
    this.files += 1;
    const file = join(this.dir, `file-${this.files}`);
    writeFileSync(file, content, { mode });
    return file;
  }

  /** `ansible-vault encrypt` of exactly these bytes: format 1.1, or 1.2 with a label. */
  encrypt(plaintext: string | Buffer, passwordFile: string, label?: string): string {
    const args = ['encrypt', ...this.secretArgs(passwordFile, label), '--output', '-'];
    if (plaintext.length === 0) {
      // ansible-vault refuses empty stdin but encrypts an empty file.
      return this.run([...args, this.write('')]);
    }
    return this.run([...args, '-'], plaintext);
  }

  /** `ansible-vault encrypt_string --name NAME -- VALUE`: YAML text `NAME: !vault |` and the indented envelope. */
  encryptString(value: string, passwordFile: string, name: string, label?: string): string {
    return this.run(['encrypt_string', ...this.secretArgs(passwordFile, label), '--name', name, '--', value]);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private secretArgs(passwordFile: string, label: string | undefined): string[] {
    return label === undefined ? ['--vault-password-file', passwordFile] : ['--vault-id', `${label}@${passwordFile}`];
  }

  private run(args: string[], input?: string | Buffer): string {
    return execFileSync('ansible-vault', args, { cwd: this.dir, env: this.env, input: input ?? '', encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  }
}
