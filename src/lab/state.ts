import { readFile, rename, writeFile } from 'node:fs/promises';
import { labFiles } from './paths.js';
import type { LabState } from './types.js';

/** Reads `<dir>/state.json`; null when there is no lab there. */
export async function readLabState(dir: string): Promise<LabState | null> {
  try {
    return JSON.parse(await readFile(labFiles(dir).state, 'utf8')) as LabState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Writes `<dir>/state.json` atomically with mode 0600 (it holds the sudo password). */
export async function writeLabState(state: LabState): Promise<void> {
  const path = labFiles(state.dir).state;
  await writeFile(path + '.tmp', JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  await rename(path + '.tmp', path);
}
