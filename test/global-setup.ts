import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The whole test run works in a private temp dir (TMPDIR, mode 1777 like /tmp) and a private
 * XDG_STATE_HOME (where tpx writes run journals), both removed at the end, so a test that
 * forgets its own cleanup still leaves nothing in /tmp or ~/.local/state. Workers and the
 * tpx processes they start inherit both.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'tpx-test-'));
  chmodSync(root, 0o1777);
  const state = join(root, 'state');
  process.env.TMPDIR = root;
  process.env.XDG_STATE_HOME = state;
  return () => rmSync(root, { recursive: true, force: true });
}
