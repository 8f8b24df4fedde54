/**
 * The lab's kumactl stand-in, run as `/opt/kuma/<version>/bin/kumactl` through a wrapper:
 * `node main.js --stand-in-version X.Y.Z <kumactl arguments>`.
 */
import { writeFileSync } from 'node:fs';
import { runKumactl, parseStandInVersion } from './cli.js';
import { localHostIo } from './host-io.js';

/**
 * Named like the binary it stands in for (`comm`: top, `ps -o comm`, process accounting),
 * with argv left alone: `lab down` finds its processes by their arguments.
 */
function nameProcess(): void {
  try {
    writeFileSync('/proc/self/comm', 'kumactl');
  } catch {
    // Not Linux, or no /proc: the name is only cosmetic.
  }
}

async function main(): Promise<number> {
  nameProcess();
  const argv = process.argv.slice(2);
  if (argv[0] !== '--stand-in-version' || argv[1] === undefined) {
    process.stderr.write('kumactl stand-in: run me as main.js --stand-in-version X.Y.Z ...\n');
    return 2;
  }
  return runKumactl(parseStandInVersion(argv[1]), argv.slice(2), localHostIo());
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: Error) => {
    process.stderr.write(`Error: ${e.message}\n`);
    process.exitCode = 1;
  },
);
