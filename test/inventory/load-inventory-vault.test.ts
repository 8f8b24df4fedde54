import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/input-error.js';
import { loadInventory } from '../../src/inventory/load-inventory.js';
import { renderInventoryGraph } from '../../src/inventory/render-inventory-graph.js';
import { renderInventoryList } from '../../src/inventory/render-inventory-list.js';
import type { VaultSecret } from '../../src/vault/vault-secrets.js';

// An estate with vault data in the three places an inventory has variables: a group_vars
// file encrypted whole, a `!vault` value in host_vars, a `!vault` value in the YAML inventory.

const VAULT = resolve(import.meta.dirname, '../fixtures/vault');
const ENCRYPTED_TOKEN = readFileSync(join(VAULT, 'encrypt-string.yml'), 'utf8');
const secret = (file: string, label: string): VaultSecret => ({ label, password: Buffer.from(readFileSync(join(VAULT, file), 'utf8').trim()) });
const SECRETS = [secret('password', 'default'), secret('prod-password', 'prod')];

let dir = '';
let hosts = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tpx-inventory-vault-'));
  mkdirSync(join(dir, 'group_vars'));
  mkdirSync(join(dir, 'host_vars'));
  hosts = join(dir, 'hosts.yml');
  const inline = ENCRYPTED_TOKEN.replace('api_token:', 'inline_token:').replace(/\n {10}/g, '\n            ');
  writeFileSync(hosts, `all:\n  children:\n    web:\n      hosts:\n        web1:\n          ${inline}        web2:\n`);
  copyFileSync(join(VAULT, 'labelled-1.2.vault'), join(dir, 'group_vars', 'web.yml'));
  copyFileSync(join(VAULT, 'encrypt-string.yml'), join(dir, 'host_vars', 'web1.yml'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problemsOf(secrets?: readonly VaultSecret[]): string[] {
  try {
    loadInventory([hosts], { vaultSecrets: secrets });
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return error.problems.map((p) => `${p.file.slice(dir.length + 1)}:${p.line}:${p.col}: ${p.message}`);
  }
  throw new Error('expected an InputError');
}

describe('loadInventory with vault data', () => {
  it('decrypts group_vars files, host_vars and inventory !vault values with vaultSecrets', () => {
    const inventory = loadInventory([hosts], { vaultSecrets: SECRETS });
    expect(inventory.hosts.get('web1')!.vars).toMatchObject({ db_password: 's3cr3t', api_token: 'tok-123', inline_token: 'tok-123' });
    expect(inventory.hosts.get('web2')!.vars).toMatchObject({ db_password: 's3cr3t' });
  });

  it('lists a !vault value as ansible-inventory --list does, and masks it in --graph --vars', () => {
    const inventory = loadInventory([hosts], { vaultSecrets: SECRETS });
    const web1 = renderInventoryList(inventory)._meta.hostvars.web1;
    expect(web1.api_token).toEqual({ __ansible_vault: expect.stringMatching(/^\$ANSIBLE_VAULT;1\.1;AES256\n[0-9a-f\n]+\n$/) });
    // A value of a file encrypted whole is shown, as Ansible shows it.
    expect(web1.db_password).toBe('s3cr3t');
    const graph = renderInventoryGraph(inventory, { vars: true });
    expect(graph).toContain('{api_token = ********}');
    expect(graph).not.toContain('tok-123');
  });

  it('without secrets: an InputError at the first vault data met, naming the options', () => {
    expect(problemsOf()).toEqual([
      'hosts.yml:6:25: this !vault value is encrypted with Ansible Vault: give its password with --vault-password-file FILE, --vault-id or --ask-vault-pass',
    ]);
  });

  it('reports every vars file the secrets cannot decrypt, at its position', () => {
    expect(problemsOf([SECRETS[0]])).toEqual([
      'group_vars/web.yml:1:1: this vars file is encrypted with Ansible Vault and cannot be decrypted: no vault secret could decrypt this (tried 1): a wrong password, or the data was changed; it names vault id "prod", which no secret given has',
    ]);
  });
});

describe('an inventory file encrypted whole', () => {
  it('is named as not read yet, never read as hosts', () => {
    const file = join(dir, 'encrypted-inventory');
    copyFileSync(join(VAULT, 'labelled-1.2.vault'), file);
    for (const vaultSecrets of [undefined, SECRETS]) {
      expect(() => loadInventory([file], { vaultSecrets })).toThrow(
        `${file}:1:1: this inventory file is encrypted with Ansible Vault, which tpx does not read yet`,
      );
    }
  });
});
