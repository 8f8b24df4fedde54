import { chmod, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { shellQuote } from './host-namespace.js';
import { labFiles, resolveDistScript } from './paths.js';
import { runChecked } from './run-process.js';

/**
 * The text of the stand-in `kumactl` for a version: a tiny sh wrapper that runs tpx's
 * compiled stand-in with this node, so it works inside any lab host.
 */
export function standInWrapper(version: string): string {
  const script = resolveDistScript('kumactl/main');
  return `#!/bin/sh\n# tpx lab stand-in for kumactl ${version}\nexec ${shellQuote(process.execPath)} ${shellQuote(script)} --stand-in-version ${version} "$@"\n`;
}

/** Puts `<root>/kuma/<version>/bin/kumactl` (the stand-in, or a symlink to a real kumactl) under an /opt tree. */
export async function installKumactl(optRoot: string, version: string, realKumactl?: string): Promise<void> {
  const bin = join(optRoot, 'kuma', version, 'bin');
  await mkdir(bin, { recursive: true });
  const path = join(bin, 'kumactl');
  await rm(path, { force: true });
  if (realKumactl) {
    await symlink(realKumactl, path);
  } else {
    await writeFile(path, standInWrapper(version));
    await chmod(path, 0o755);
  }
}

/**
 * Builds `<dir>/packages/kuma-<version>.tar.gz` with `kuma-<version>/bin/kumactl` (the
 * stand-in), the layout of a Kuma release archive, for the upgrade's `kuma_package`.
 * Returns the archive's path.
 */
export async function buildKumaPackage(dir: string, version: string): Promise<string> {
  const out = labFiles(dir).packages;
  const stage = join(out, `.stage-${version}`);
  await rm(stage, { recursive: true, force: true });
  const bin = join(stage, `kuma-${version}`, 'bin');
  await mkdir(bin, { recursive: true });
  await writeFile(join(bin, 'kumactl'), standInWrapper(version), { mode: 0o755 });
  const archive = join(out, `kuma-${version}.tar.gz`);
  await runChecked('tar', ['-czf', archive, '-C', stage, '--owner=0', '--group=0', `kuma-${version}`]);
  await rm(stage, { recursive: true, force: true });
  return archive;
}
