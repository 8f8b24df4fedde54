/** `tpx validate` — filled in by the playbook loader. */
export async function validateCommand(_playbook: string, _options: { inventory?: string[] }): Promise<number> {
  process.stderr.write('tpx validate: not available yet\n');
  return 1;
}
