import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A new directory for what a test leaves to look at (a screenshot, the page it shows): in the
 * test run's temp dir, removed when the run ends, or under $TPX_TEST_ARTIFACTS, kept.
 */
export function artifactDir(prefix: string): string {
  const root = process.env.TPX_TEST_ARTIFACTS ?? tmpdir();
  mkdirSync(root, { recursive: true });
  return mkdtempSync(join(root, prefix));
}
