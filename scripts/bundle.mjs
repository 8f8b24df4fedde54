#!/usr/bin/env node
// The last step of `npm run build`: dist/ (tsc's output, about 450 files) into one file,
// dist/bundle/tpx.mjs, which bin/tpx.js loads. Node resolves, reads and links each ES module
// file on its own: for tpx that was a third of its start (~80 ms on a quiet machine, more on a
// busy one), paid by every `tpx run` and `tpx validate`. Packages stay outside (node_modules,
// loaded as usual), so each is the one copy tests and tools see.
//
// The bundle sits two levels under the repository, as every dist/<folder>/*.js does, so the
// paths our code finds from import.meta.url (host/*.sh, schemas/, ../schema/…) stay right.
// bin/tpx.js uses it only when it is at least as new as dist/cli/main.js: a build by tsc
// alone (tests rebuild that way) is never shadowed by an older bundle.
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/cli/main.js'],
  outfile: 'dist/bundle/tpx.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  // `node --enable-source-maps bin/tpx.js` gives stack traces in dist/'s files.
  sourcemap: true,
  logLevel: 'warning',
});
