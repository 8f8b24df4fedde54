#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { main } from '../dist/cli/main.js';

// `tpx`, not `node`, in top, `ps -o comm` and process accounting; argv (what `ps` shows) is kept.
try {
  writeFileSync('/proc/self/comm', 'tpx');
} catch {
  // Not Linux: the name is cosmetic.
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
