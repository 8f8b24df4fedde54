import { setMaxListeners } from 'node:events';
import { dirname } from 'node:path';
import { EventBus } from '../../engine/events.js';
import { DEFAULT_FORKS } from '../../engine/run-options.js';
import { resolveRunId } from '../../engine/run-id.js';
import { runPlaybook } from '../../engine/run-playbook.js';
import { sshConnector } from '../../engine/ssh-connector.js';
import { secretMasker } from '../../errors/mask-secrets.js';
import { ExitCode, UsageError } from '../../errors/tpx-error.js';
import { createReporters } from '../../reporters/create-reporters.js';
import { journalPathFor, reportJournalPath } from '../../reporters/journal-paths.js';
import { keepJournalsSetting, pruneJournals } from '../../reporters/journal-retention.js';
import type { OutputMode } from '../../reporters/reporter.js';
import { canPrompt, promptLineOnTty, promptSecretOnTty } from '../../transport/ssh/passphrase-prompt.js';
import { configConnectionDefaults, loadCliConfig } from '../ansible-cfg.js';
import { checkLimit } from '../check-limit.js';
import { parseExtraVars } from '../extra-vars.js';
import { unknownFacts } from '../unknown-facts.js';
import { unusedExtraVars } from '../unused-extra-vars.js';
import { answerVarsPrompts } from '../vars-prompt.js';
import { loadInputs } from '../load-inputs.js';
import { checkRetryPlan, findRetrySource, readRetryPlan, type RetryPlan } from '../retry-hosts.js';
import { loadCliVaultSecrets, type VaultCliOptions } from '../vault-options.js';

export interface RunCommandOptions extends VaultCliOptions {
  readonly inventory?: string[];
  readonly limit?: string;
  readonly extraVars?: string[];
  readonly forks?: string;
  readonly check?: boolean;
  readonly diff?: boolean;
  readonly tags?: string;
  readonly skipTags?: string;
  readonly report?: string;
  readonly junit?: string;
  readonly reportHtml?: string;
  readonly output?: OutputMode;
  readonly retryFailed?: string | boolean;
  readonly askBecomePass?: boolean;
  readonly verbose?: number;
}

/**
 * `tpx run PLAYBOOK`: reads ansible.cfg (its settings below the options), loads and checks
 * every input before connecting anywhere, runs the playbook with the engine, reports through
 * the chosen reporters and returns the exit code.
 * SIGINT/SIGTERM: start nothing new, stop in-flight work, write the report, exit 99; a
 * second signal exits at once.
 */
export async function runCommand(playbookFile: string, options: RunCommandOptions): Promise<number> {
  const warn = (msg: string): void => void process.stderr.write(`tpx: warning: ${msg}\n`);
  const config = loadCliConfig({ verbose: options.verbose });
  const settings = config.settings;
  const forks = parseForks(options.forks, settings.forks);
  // Asked before anything is loaded: the loaders decrypt vault data as they read it.
  const vaultSecrets = await loadCliVaultSecrets(options);
  const extraVars = parseExtraVars(options.extraVars, vaultSecrets);
  const {
    playbook: loaded,
    inventory,
    inventoryFiles,
  } = loadInputs(playbookFile, options.inventory, true, {
    vaultSecrets,
    configInventory: settings.inventory,
    rolesPath: settings.rolesPath,
  });
  checkLimit(inventory!, options.limit);
  const playbook = await answerVarsPrompts(loaded, extraVars, canPrompt() ? promptLineOnTty : undefined);
  for (const warning of unusedExtraVars(extraVars, playbook, inventory)) warn(warning);
  for (const warning of unknownFacts(playbook, inventory, extraVars)) warn(warning);
  const retry = retryPlan(playbookFile, options, inventoryFiles);
  if (retry && checkRetryPlan(retry, inventory!, warn) === 'nothing') {
    process.stdout.write(`tpx: nothing to retry: every host of the run in ${retry.source} finished; nothing was run\n`);
    return 0;
  }
  const runId = resolveRunId(extraVars, retry?.runId);
  const keepJournals = readKeepJournals();
  const becomePassword = await askBecomePassword(options.askBecomePass || settings.becomeAskPass);

  const bus = new EventBus();
  const reportJournal = options.report ? [reportJournalPath(options.report)] : [];
  const reporter = createReporters({
    output: options.output,
    verbose: options.verbose,
    report: options.report,
    junit: options.junit,
    reportHtml: options.reportHtml,
    journal: {
      paths: [journalPathFor(runId), ...reportJournal],
      truncate: reportJournal,
      runId,
      playbook: playbookFile,
      inventories: inventoryFiles,
      onError: warn,
    },
  });
  reporter.attach(bus);

  const controller = new AbortController();
  // Every command in flight on every host listens for an interrupt (and lets go when it
  // ends): hundreds at once is the normal case, not a leak.
  setMaxListeners(0, controller.signal);
  const stopSignals = trapSignals(controller);
  try {
    const outcome = await runPlaybook({
      playbook,
      inventory: inventory!,
      limit: options.limit,
      extraVars,
      vaultSecrets,
      becomeDefaults: { become: settings.become, becomeUser: settings.becomeUser },
      forks,
      check: Boolean(options.check),
      diff: Boolean(options.diff),
      tags: splitList(options.tags),
      skipTags: splitList(options.skipTags),
      verbosity: options.verbose ?? 0,
      bus,
      signal: controller.signal,
      onlyHosts: retry?.hosts,
      // `pause` asks on the terminal, the live view held still meanwhile; without one it does not wait.
      ask: canPrompt() ? (question, secret) => reporter.whileAsking((write) => promptLineOnTty(question, secret, write)) : undefined,
      runId,
      playbookDir: dirname(playbookFile),
      connect: sshConnector({
        runId,
        since: new Date().toISOString(),
        becomePassword,
        signal: controller.signal,
        warn: (host, msg) => bus.emit({ type: 'warning', host, msg }),
        defaults: configConnectionDefaults(config),
      }),
    });
    await reporter.end();
    // Journals of earlier runs of this playbook beyond the newest TPX_KEEP_JOURNALS go.
    pruneJournals({ keep: keepJournals, playbook: playbookFile, protect: [journalPathFor(runId)] });
    return outcome.exitCode;
  } finally {
    stopSignals();
  }
}

/** TPX_KEEP_JOURNALS, checked before anything runs. */
function readKeepJournals(): number {
  try {
    return keepJournalsSetting(process.env.TPX_KEEP_JOURNALS);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** `-f N`, else ansible.cfg's forks (already checked), else DEFAULT_FORKS. */
function parseForks(value: string | undefined, configured: number | undefined): number {
  if (value === undefined) return configured ?? DEFAULT_FORKS;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`-f/--forks must be a whole number of at least 1, got "${value}"`);
  return n;
}

function splitList(value: string | undefined): string[] {
  return value
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}

/**
 * `--retry-failed [FILE]`: the hosts of an earlier run to run again, and its run id. FILE is
 * a report or a run journal; without it, `--report FILE`'s journal or report, else the
 * newest journal of this playbook.
 */
function retryPlan(playbookFile: string, options: RunCommandOptions, inventories: readonly string[]): RetryPlan | undefined {
  if (options.retryFailed === undefined || options.retryFailed === false) return undefined;
  const file = typeof options.retryFailed === 'string' ? options.retryFailed : findRetrySource(playbookFile, options.report, undefined, inventories);
  return readRetryPlan(file);
}

async function askBecomePassword(ask: boolean | undefined): Promise<string | undefined> {
  if (!ask) return undefined;
  if (!canPrompt()) throw new UsageError('--ask-become-pass (or become_ask_pass in ansible.cfg) needs a terminal; set TPX_BECOME_PASSWORD instead');
  const password = await promptSecretOnTty('BECOME password: ');
  secretMasker.add(password);
  return password;
}

/** First signal: interrupt the run cleanly. Second: exit at once. */
function trapSignals(controller: AbortController): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(ExitCode.interrupted);
    // The engine announces it (`interrupted`, with this reason as the signal's name).
    controller.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
