/** `tpx run` — not available until the engine lands. */
export async function runCommand(_playbook: string, _options: Record<string, unknown>): Promise<number> {
  process.stderr.write('tpx run: not available yet\n');
  return 1;
}
