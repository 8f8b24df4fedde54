import { UsageError } from '../../errors/tpx-error.js';
import { defaultJournalDir } from '../../reporters/journal-paths.js';
import { pruneJournals } from '../../reporters/journal-retention.js';

/** `tpx journal prune [--keep N] [--playbook FILE]`: removes the oldest run journals, N kept per playbook. */
export function journalPruneCommand(options: Record<string, unknown>): number {
  const keep = Number(options.keep);
  if (!Number.isInteger(keep) || keep < 1) throw new UsageError(`--keep: expected a whole number of at least 1, got "${String(options.keep)}"`);
  const dir = defaultJournalDir();
  const playbook = typeof options.playbook === 'string' ? options.playbook : undefined;
  const removed = pruneJournals({ dir, keep, playbook });
  process.stdout.write(
    `${removed.length} journal${removed.length === 1 ? '' : 's'} removed from ${dir} (the newest ${keep} of ${playbook ?? 'each playbook'} kept)\n`,
  );
  return 0;
}
