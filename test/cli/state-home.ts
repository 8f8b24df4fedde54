import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/** A fresh temp dir per test, with an env whose XDG_STATE_HOME (`<root>/state`) and HOME are in it. */
export interface StateHome {
  readonly root: string;
  readonly env: Record<string, string>;
}

/** Sets up a StateHome before each test of the file and removes it after; read it inside tests. */
export function useStateHome(prefix: string): StateHome {
  const home = { root: '', env: {} as Record<string, string> };
  beforeEach(() => {
    home.root = mkdtempSync(join(tmpdir(), prefix));
    home.env = { XDG_STATE_HOME: join(home.root, 'state'), HOME: join(home.root, 'home') };
  });
  afterEach(() => rmSync(home.root, { recursive: true, force: true }));
  return home;
}
