import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a fuzz case is loaded as. */
export type InputKind = 'playbook' | 'inventory';

/** A valid file the mutations start from. */
export interface SeedFile {
  readonly kind: InputKind;
  readonly name: string;
  readonly text: string;
}

const yamlIn = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(dir, f));

/** The good playbooks and inventories of the repository: playbooks/upgrade.yaml, the good fixtures, the example inventory. */
export function loadSeedCorpus(): SeedFile[] {
  const playbooks = ['playbooks/upgrade.yaml', ...yamlIn('test/fixtures/playbooks/good')];
  const inventories = ['inventory.example.yaml', ...yamlIn('test/fixtures/inventories/ansible')];
  return [
    ...playbooks.map((name) => ({ kind: 'playbook' as const, name, text: readFileSync(name, 'utf8') })),
    ...inventories.map((name) => ({ kind: 'inventory' as const, name, text: readFileSync(name, 'utf8') })),
  ];
}
