#!/usr/bin/env node
import { statSync, writeFileSync } from 'node:fs';

// `tpx`, not `node`, in top, `ps -o comm` and process accounting; argv (what `ps` shows) is kept.
try {
  writeFileSync('/proc/self/comm', 'tpx');
} catch {
  // Not Linux: the name is cosmetic.
}

// dist/ in one file (scripts/bundle.mjs) starts faster; tsc's dist/ when the bundle is missing
// or older than it (a build by tsc alone), so what runs is always the newest build.
const mtime = (path) => {
  try {
    return statSync(new URL(path, import.meta.url)).mtimeMs;
  } catch {
    return -1;
  }
};
const entry = mtime('../dist/bundle/tpx.mjs') >= mtime('../dist/cli/main.js') ? '../dist/bundle/tpx.mjs' : '../dist/cli/main.js';
const { main } = await import(entry);

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
