import { KumactlError } from './flags.js';
import type { IptablesTools } from './executables.js';
import type { HostIo } from './host-io.js';
import { CHAIN_PREFIX, RULE_MARKER } from './rules.js';

/** The message kumactl 2.9+ gives when it finds Kuma rules it cannot recognise as its own. */
export const UNMARKED_RULES_MESSAGE =
  'transparent proxy rules detected, but expected comments are missing. Cleanup cannot proceed safely without comments to identify rules. Please remove the transparent proxy iptables rules manually';

/** Why a cleanup stopped: `unmarked` rules, or a failed iptables program. */
export class CleanupError extends KumactlError {
  constructor(
    readonly reason: 'unmarked' | 'failed',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The 2.9+ cleanup of one family (pkg/transparentproxy/iptables/setup.go): save, refuse when
 * Kuma chains exist without the marker, else drop every comment line and every line with
 * `KUMA_MESH` or the marker, test the result, back up the current rules, and restore the
 * result without --noflush (so other rules, e.g. Docker's, survive).
 */
export async function cleanupFamily(io: HostIo, tools: IptablesTools, now: Date): Promise<'clean' | 'cleaned'> {
  const tag = `# [${tools.label}]`;
  io.out(
    `${tag} starting cleanup of existing transparent proxy rules. Any rule found in chains with names starting with "${CHAIN_PREFIX}" or containing comments starting with "${RULE_MARKER}" will be deleted\n`,
  );
  const saved = await io.run(tools.save, []);
  if (saved.code !== 0) throw new CleanupError('failed', `${tools.save} failed: ${saved.stderr.trim()}`);
  const hasChains = saved.stdout.includes(CHAIN_PREFIX);
  const hasMarker = saved.stdout.includes(RULE_MARKER);
  if (!hasChains && !hasMarker) {
    io.out(`${tag} no transparent proxy rules detected. No cleanup necessary\n`);
    return 'clean';
  }
  if (hasChains && !hasMarker) throw new CleanupError('unmarked', UNMARKED_RULES_MESSAGE);
  const kept = saved.stdout
    .split('\n')
    .filter((l) => !l.startsWith('#') && !l.includes(CHAIN_PREFIX) && !l.includes(RULE_MARKER))
    .join('\n');
  const tested = await io.run(tools.restore, ['--test', ...tools.restoreArgs], kept);
  if (tested.code !== 0) throw new CleanupError('failed', `rules after cleanup are not valid: ${tested.stderr.trim()}`);
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  await io.writeFile(`/tmp/${tools.label}-rules.${stamp}.txt.backup`, saved.stdout);
  const restored = await io.run(tools.restore, [...tools.restoreArgs], kept);
  if (restored.code !== 0) throw new CleanupError('failed', `${tools.restore} failed: ${restored.stderr.trim()}`);
  io.out(`${tag} cleanup of existing transparent proxy rules completed successfully\n`);
  return 'cleaned';
}
