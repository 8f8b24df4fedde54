#!/usr/bin/env node
// The last step of `npm run build`: dist/ (tsc's output, about 450 files) into a few files in
// dist/bundle/: tpx.mjs, which bin/tpx.js loads, and a chunk per command that main.ts loads
// lazily. Node resolves, reads and links each ES module file on its own: for tpx that was a
// third of its start (~80 ms on a quiet machine, more on a busy one), paid by every `tpx run`
// and `tpx validate`. Packages stay outside (node_modules, loaded as usual), so each is the one
// copy tests and tools see.
//
// The bundle's files sit two levels under the repository, as every dist/<folder>/*.js does, so
// the paths our code finds from import.meta.url (host/*.sh, schemas/, ../schema/…) stay right.
// bin/tpx.js uses it only when it is at least as new as dist/cli/main.js: a build by tsc
// alone (tests rebuild that way) is never shadowed by an older bundle.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunks are named by their hash: an earlier build's would stay behind.
rmSync('dist/bundle', { recursive: true, force: true });

await build({
  entryPoints: { tpx: 'dist/cli/main.js' },
  outdir: 'dist/bundle',
  outExtension: { '.js': '.mjs' },
  // Each command's code stays in a file of its own, loaded when that command runs (main.ts
  // imports them lazily): `tpx --version` does not load the engine.
  splitting: true,
  chunkNames: '[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  // `node --enable-source-maps bin/tpx.js` gives stack traces in dist/'s files.
  sourcemap: true,
  logLevel: 'warning',
});
