import { loadYamlText } from '../../src/schema/load-yaml.js';
import { InventoryBuilder } from '../../src/inventory/inventory-builder.js';
import { readInventoryDocument } from '../../src/inventory/read-inventory-document.js';
import type { Inventory } from '../../src/inventory/types.js';

/** Builds an inventory from YAML texts without the schema check (the model alone). */
export function inventoryFromYaml(...texts: string[]): Inventory {
  const builder = new InventoryBuilder();
  texts.forEach((text, i) => {
    const problems = readInventoryDocument(loadYamlText(text, `inv${i}.yaml`), builder);
    if (problems.length > 0) throw new Error(problems.map((p) => `${p.line}:${p.col}: ${p.message}`).join('\n'));
  });
  return builder.build(texts.map((_, i) => `inv${i}.yaml`));
}
