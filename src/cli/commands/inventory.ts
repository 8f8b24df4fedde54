/** `tpx inventory` — filled in by the inventory loader. */
export async function inventoryCommand(_options: Record<string, unknown>): Promise<number> {
  process.stderr.write('tpx inventory: not available yet\n');
  return 1;
}
