import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every run of tpx in the tests (in-process or a child process) writes its journal under a
 * private XDG_STATE_HOME, removed at the end, not into the user's ~/.local/state.
 */
export default function setup(): () => void {
  const state = mkdtempSync(join(tmpdir(), 'tpx-test-state-'));
  process.env.XDG_STATE_HOME = state;
  return () => rmSync(state, { recursive: true, force: true });
}
