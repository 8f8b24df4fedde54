import { CleanupError, cleanupFamily } from './cleanup.js';
import { findTools, hasIpv6 } from './executables.js';
import { KumactlError, LEGACY_INSTALL_FLAGS, MARKED_INSTALL_FLAGS, MARKED_UNINSTALL_FLAGS, parseFlags } from './flags.js';
import type { HostIo } from './host-io.js';
import { installLegacy, installMarked, resolveDpUser, type StandInVersion } from './install.js';
import type { Family } from './rules.js';
import { legacyConfig, markedConfig } from './settings.js';
import { NO_CONTROL_PLANE, versionLine } from './version-text.js';

const USAGE = `Usage:
  kumactl [command]

Available Commands:
  install     Install various Kuma components.
  uninstall   Uninstall various Kuma components.
  version     Print version

(tpx lab stand-in: only "version", "install transparent-proxy" and "uninstall transparent-proxy" work)
`;

/** Parses `X.Y.Z` into the stand-in's behaviour: before 2.9 `legacy`, from 2.9 `marked`. */
export function parseStandInVersion(text: string): StandInVersion {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (!m) throw new Error(`--stand-in-version: "${text}" is not X.Y.Z`);
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return { text, generation: major > 2 || (major === 2 && minor >= 9) ? 'marked' : 'legacy', minor: major > 2 ? 99 : minor };
}

/** Runs one kumactl command line as the given version would; returns the exit code. */
export async function runKumactl(v: StandInVersion, argv: readonly string[], io: HostIo): Promise<number> {
  try {
    const [cmd, sub, ...rest] = argv;
    if (cmd === 'version') return printVersion(v, argv.slice(1), io);
    if (cmd === 'install' && sub === 'transparent-proxy') {
      await install(v, rest, io);
      return 0;
    }
    if (cmd === 'uninstall' && sub === 'transparent-proxy') {
      await uninstall(v, rest, io);
      return 0;
    }
    if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
      io.out(USAGE);
      return 0;
    }
    throw new KumactlError(`unknown command "${[cmd, sub].filter(Boolean).join(' ')}" for "kumactl"`);
  } catch (e) {
    if (e instanceof KumactlError || (e instanceof Error && e.message.startsWith('lab fault'))) {
      io.err(`Error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

function printVersion(v: StandInVersion, args: readonly string[], io: HostIo): number {
  if (args.includes('--detailed') || args.includes('-a')) {
    io.out(`Client:\nProduct: Kuma\nVersion: ${v.text}\nGit Tag: ${v.text}\nGit Commit: tpx-lab-stand-in\nBuild Date: 2024-01-01T00:00:00Z\n`);
  } else {
    io.out(versionLine(v.text));
  }
  io.err(NO_CONTROL_PLANE);
  return 0;
}

async function install(v: StandInVersion, args: readonly string[], io: HostIo): Promise<void> {
  const { values } = parseFlags(args, v.generation === 'legacy' ? LEGACY_INSTALL_FLAGS : MARKED_INSTALL_FLAGS);
  if (values.get('help')) {
    io.out('Install Transparent Proxy pre-requisites on the host\n\nUsage:\n  kumactl install transparent-proxy [flags]\n');
    return;
  }
  if (v.generation === 'legacy') return installLegacy(io, v, legacyConfig(values));
  const config = await markedConfig(values, io.env, () => io.readStdin());
  await installMarked(io, v, config, values.get('redirect-dns') === true && values.get('redirect-all-dns-traffic') === true);
}

/** 2.7/2.8: not supported. 2.9+: the same cleanup as install, with the default config. */
async function uninstall(v: StandInVersion, args: readonly string[], io: HostIo): Promise<void> {
  if (v.generation === 'legacy') throw new KumactlError('cleanup is not supported');
  const { values } = parseFlags(args, MARKED_UNINSTALL_FLAGS);
  const dryRun = values.get('dry-run') === true;
  if (!dryRun && !io.isRoot()) throw new KumactlError('you need to have root privileges to run this command');
  await resolveDpUser(io, '');
  if (dryRun) return;
  const families: Family[] = (await hasIpv6(io)) ? ['ipv4', 'ipv6'] : ['ipv4'];
  for (const family of families) {
    try {
      await cleanupFamily(io, findTools(io, family, 'marked'), new Date());
    } catch (e) {
      if (e instanceof CleanupError) throw new KumactlError(`transparent proxy cleanup failed: ${e.message}`);
      throw e;
    }
  }
  io.out('# transparent proxy cleanup completed successfully\n');
}
