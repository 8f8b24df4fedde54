/** `tpx lab` — not available until the lab lands. */
const notYet = async (_options: Record<string, unknown>): Promise<number> => {
  process.stderr.write('tpx lab: not available yet\n');
  return 1;
};
export const labUpCommand = notYet;
export const labDownCommand = notYet;
export const labStatusCommand = notYet;
