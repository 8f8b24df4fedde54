import type { ScalarTag } from 'yaml';
import type { VaultSecret } from '../vault/vault-secrets.js';
import { createVaultTag } from './vault-tag.js';

/**
 * The YAML 1.2 core schema plus the two YAML 1.1 habits Ansible playbooks rely on
 * (PyYAML reads YAML 1.1): `yes`/`no`/`on`/`off` are booleans, and an integer written
 * with a leading zero (`0644`) is octal. Everything else follows YAML 1.2 core, so
 * `y`, `n`, sexagesimal numbers and bare timestamps stay strings.
 */
const ansibleBool: ScalarTag = {
  identify: (value) => typeof value === 'boolean',
  default: true,
  tag: 'tag:yaml.org,2002:bool',
  test: /^(?:[Yy]es|YES|[Nn]o|NO|[Oo]n|ON|[Oo]ff|OFF)$/,
  resolve: (str) => /^(?:[Yy]es|YES|[Oo]n|ON)$/.test(str),
};

const leadingZeroOctal: ScalarTag = {
  identify: (value) => typeof value === 'number' && Number.isInteger(value),
  default: true,
  tag: 'tag:yaml.org,2002:int',
  format: 'OCT',
  test: /^0[0-7]+$/,
  resolve: (str) => parseInt(str, 8),
};

/**
 * The `customTags` option of `yaml` for Ansible's YAML: these tags prepended to the core
 * schema's own, and `!vault` decrypted with `vaultSecrets` (an error at the tag without them).
 */
export function ansibleTags(vaultSecrets?: readonly VaultSecret[]): <T>(tags: T[]) => (T | ScalarTag)[] {
  const vault = createVaultTag(vaultSecrets);
  return (tags) => [ansibleBool, leadingZeroOctal, vault, ...tags];
}
