import { chmod, cp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { quoteArg } from '../shell/quote.js';
import { NO_CONTROL_PLANE, versionLine } from './kumactl/version-text.js';
import { labFiles, resolveDistScript } from './paths.js';
import { runChecked } from './run-process.js';

/**
 * The text of the stand-in `kumactl` for a version: a tiny sh wrapper that runs the lab's
 * copy of the compiled stand-in (`script`, from labStandInScript: the checkout itself may
 * not be visible on a host, e.g. a clone under /tmp, which every host has its own of) with
 * this node. A plain
 * `kumactl version` is answered by the wrapper itself, about as fast as the real Go binary,
 * so that benchmarks do not measure node's start-up on the hosts for it.
 */
export function standInWrapper(version: string, script: string): string {
  return [
    '#!/bin/sh',
    `# tpx lab stand-in for kumactl ${version}`,
    'if [ "$#" -eq 1 ] && [ "$1" = version ]; then',
    `  printf '%s' ${quoteArg(versionLine(version))}`,
    `  printf '%s' ${quoteArg(NO_CONTROL_PLANE)} >&2`,
    '  exit 0',
    'fi',
    `exec ${quoteArg(process.execPath)} ${quoteArg(script)} --stand-in-version ${version} "$@"`,
    '',
  ].join('\n');
}

/** The lab dir's copy of the stand-in's runtime (installStandInRuntime). */
export const STANDIN_DIR = 'standin';

/** The main script of the lab's copy of the stand-in (installStandInRuntime). */
export function labStandInScript(dir: string): string {
  return join(dir, STANDIN_DIR, 'dist', 'lab', 'kumactl', 'main.js');
}

/**
 * Copies the stand-in's compiled files and its one dependency (yaml) into `<dir>/standin`, so
 * that any user on a lab host can run it even when the checkout itself is private (a clone in
 * a 0700 directory) or out of the hosts' sight (under /tmp). Returns the path of its main script.
 */
export async function installStandInRuntime(dir: string): Promise<string> {
  const root = join(dir, STANDIN_DIR);
  const distLab = dirname(dirname(resolveDistScript('kumactl/main')));
  const yamlPackage = dirname(createRequire(import.meta.url).resolve('yaml/package.json'));
  await rm(root, { recursive: true, force: true });
  await cp(join(distLab, 'kumactl'), join(root, 'dist', 'lab', 'kumactl'), { recursive: true });
  await cp(join(distLab, 'run-process.js'), join(root, 'dist', 'lab', 'run-process.js'));
  await cp(yamlPackage, join(root, 'node_modules', 'yaml'), { recursive: true });
  await writeFile(join(root, 'package.json'), '{ "type": "module" }\n');
  return labStandInScript(dir);
}

/** Puts `<root>/kuma/<version>/bin/kumactl` (the stand-in, or a symlink to a real kumactl) under an /opt tree. */
export async function installKumactl(optRoot: string, version: string, realKumactl: string | undefined, standInScript: string): Promise<void> {
  const bin = join(optRoot, 'kuma', version, 'bin');
  await mkdir(bin, { recursive: true });
  const path = join(bin, 'kumactl');
  await rm(path, { force: true });
  if (realKumactl) {
    await symlink(realKumactl, path);
  } else {
    await writeFile(path, standInWrapper(version, standInScript));
    await chmod(path, 0o755);
  }
}

/**
 * Builds `<dir>/packages/kuma-<version>.tar.gz` with `kuma-<version>/bin/kumactl` (the
 * stand-in), the layout of a Kuma release archive, for the upgrade's `kuma_package`.
 * Returns the archive's path.
 */
export async function buildKumaPackage(dir: string, version: string, standInScript: string): Promise<string> {
  const out = labFiles(dir).packages;
  const stage = join(out, `.stage-${version}`);
  await rm(stage, { recursive: true, force: true });
  const bin = join(stage, `kuma-${version}`, 'bin');
  await mkdir(bin, { recursive: true });
  await writeFile(join(bin, 'kumactl'), standInWrapper(version, standInScript), { mode: 0o755 });
  const archive = join(out, `kuma-${version}.tar.gz`);
  await runChecked('tar', ['-czf', archive, '-C', stage, '--owner=0', '--group=0', `kuma-${version}`]);
  await rm(stage, { recursive: true, force: true });
  return archive;
}
