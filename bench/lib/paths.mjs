// Where things are: the repository root, the built CLI, the bench dir.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** bench/ */
export const BENCH = join(ROOT, 'bench');
/** The CLI entry (needs `npm run build`). */
export const TPX = join(ROOT, 'bin', 'tpx.js');
