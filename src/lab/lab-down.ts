import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { deleteNetns, listLabNetns } from './network.js';
import { labFiles } from './paths.js';
import { LabError } from './prerequisites.js';
import { killAndWait, pidsInNetns, pidsUsingDir } from './processes.js';
import { readLabState } from './state.js';

/** What `labDown` removed. */
export interface LabDownResult {
  readonly found: boolean;
  readonly namespaces: number;
  readonly processes: number;
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
    return { found: false, namespaces: 0, processes: 0 };
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
  await rm(dir, { recursive: true, force: true });
  return { found: true, namespaces: namespaces.length, processes: pids.length + late.length };
}
