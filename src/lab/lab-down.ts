import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { deleteNetns, listLabNetns } from './network.js';
import { STANDIN_DIR } from './kumactl-files.js';
import { labFiles } from './paths.js';
import { LabError } from './prerequisites.js';
import { killAndWait, pidsInNetns, pidsUsingDir } from './processes.js';
import { readLabState } from './state.js';

/** What `labDown` removed. */
export interface LabDownResult {
  readonly found: boolean;
  readonly namespaces: number;
  readonly processes: number;
  /** Entries of the lab dir the lab did not make (a report saved there), removed with it. */
  readonly others: readonly string[];
}

/** The file `labUp` writes first, so that a half-built lab can still be taken down. */
export const LAB_ID_FILE = 'lab-id';

/**
 * Removes everything a lab made: its processes (bridge, sshds, anything run on the hosts),
 * its namespaces and its dir. Idempotent, and works after a half-failed `labUp`.
 */
export async function labDown(dirArg: string): Promise<LabDownResult> {
  const dir = resolve(dirArg);
  const state = await readLabState(dir).catch(() => null);
  const labId = state?.labId ?? (await readFile(join(dir, LAB_ID_FILE), 'utf8').catch(() => '')).trim();
  if (!labId) {
    if (existsSync(dir) && existsSync(labFiles(dir).state)) throw new LabError(`${labFiles(dir).state} is unreadable; remove the lab by hand`);
    return { found: false, namespaces: 0, processes: 0, others: [] };
  }
  const namespaces = await listLabNetns(labId);
  const pids = [...new Set([...(await pidsUsingDir(dir)), ...(await pidsInNetns(namespaces))])];
  await killAndWait(pids);
  // Processes started in between (a connection that was being accepted) are caught by a second pass.
  const late = await pidsInNetns(namespaces);
  await killAndWait(late);
  await deleteNetns(namespaces);
  const left = await listLabNetns(labId);
  if (left.length > 0) throw new LabError(`could not delete namespaces ${left.join(', ')}; try again with tpx lab down --dir ${dir}`);
  const others = await othersIn(dir);
  await rm(dir, { recursive: true, force: true });
  return { found: true, namespaces: namespaces.length, processes: pids.length + late.length, others };
}

/** What is in the lab dir besides what `labUp` makes there (sorted names). */
async function othersIn(dir: string): Promise<string[]> {
  const own = new Set([...Object.values(labFiles(dir)).map((p) => relative(dir, p).split(sep)[0]), LAB_ID_FILE, STANDIN_DIR]);
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => !own.has(n)).sort();
}
