import { buildInventory } from '../../src/inventory/load-inventory.js';
import { loadYamlText } from '../../src/schema/load-yaml.js';
import type { Inventory } from '../../src/inventory/types.js';

/** Loads inventory YAML texts as if they were files inv0.yaml, inv1.yaml, … given with -i. */
export function inventoryFromYaml(...texts: string[]): Inventory {
  return buildInventory(texts.map((text, i) => loadYamlText(text, `inv${i}.yaml`)));
}
