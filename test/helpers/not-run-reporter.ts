import { relative } from 'node:path';
import type { Reporter, TestModule, Vitest } from 'vitest/node';

/**
 * Ends the test output with the tests that did not run, by name and with the reason a test
 * gave (`context.skip(reason)`), so that a skip is never only a count: "not run (2): …".
 * Quiet under `-t` (the filter skips on purpose) and when everything ran.
 */
export default class NotRunReporter implements Reporter {
  private filtered = false;
  private root = process.cwd();

  onInit(vitest: Vitest): void {
    this.filtered = vitest.config.testNamePattern !== undefined;
    this.root = vitest.config.root;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    if (this.filtered) return;
    const lines: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const result = test.result();
        if (result.state !== 'skipped') continue;
        const why = result.note ? ` — ${result.note}` : '';
        lines.push(`  ${relative(this.root, module.moduleId)} > ${test.fullName}${why}`);
      }
    }
    if (lines.length === 0) return;
    process.stdout.write(`\nnot run (${lines.length}):\n${lines.join('\n')}\n`);
  }
}
