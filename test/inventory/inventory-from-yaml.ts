import { loadInventoryTexts } from '../../src/inventory/load-inventory.js';
import type { Inventory } from '../../src/inventory/types.js';

/** Loads inventory YAML texts as if they were files inv0.yaml, inv1.yaml, … given with -i. */
export function inventoryFromYaml(...texts: string[]): Inventory {
  return loadInventoryTexts(texts.map((text, i) => ({ text, file: `inv${i}.yaml` })));
}
