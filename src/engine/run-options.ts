import type { SecretMasker } from '../errors/mask-secrets.js';
import type { Inventory } from '../inventory/types.js';
import type { ModuleDefinition } from '../modules/module.js';
import type { Playbook } from '../playbook/types.js';
import type { Connection } from '../transport/connection.js';
import type { VaultSecret } from '../vault/vault-secrets.js';
import type { EventBus } from './events.js';
import type { HostStats, HostStatus, TaskResult } from './results.js';

/**
 * Default number of hosts worked on at once. High enough that a 100-host fleet (and twice
 * that) runs in one wave; each host costs one SSH connection and a few channels, not a process.
 */
export const DEFAULT_FORKS = 200;

/**
 * "A connection for host H": `vars` are the host's variables as the task sees them (the
 * connection settings are read from them). Throws ConnectionError when it cannot connect.
 */
export type Connector = (host: string, vars: Record<string, unknown>) => Promise<Connection>;

/** Everything a run needs; the CLI builds it, tests build it directly. */
export interface RunOptions {
  readonly playbook: Playbook;
  readonly inventory: Inventory;
  /** `-l PATTERN`: intersected with each play's `hosts`. */
  readonly limit?: string;
  /** `-e`: the highest variable precedence. */
  readonly extraVars: Readonly<Record<string, unknown>>;
  /** ansible.cfg's `become` and `become_user`: below the keywords and the ansible_become variables. */
  readonly becomeDefaults?: { readonly become?: boolean; readonly becomeUser?: string };
  /** Passwords for vault data in `vars_files` whose paths are templates (read when the run starts). */
  readonly vaultSecrets?: readonly VaultSecret[];
  /** Hosts worked on at once (DEFAULT_FORKS when the CLI gets no `-f`). */
  readonly forks: number;
  readonly check: boolean;
  readonly diff: boolean;
  /** `-t`: only tasks with one of these tags (empty: all). */
  readonly tags: readonly string[];
  readonly skipTags: readonly string[];
  readonly verbosity: number;
  readonly bus: EventBus;
  /** Opens a connection to a host (ssh-connector.ts); tests pass their own. */
  readonly connect: Connector;
  /** Aborting interrupts the run: nothing new starts, in-flight commands are stopped. */
  readonly signal?: AbortSignal;
  /** Asks the operator one line on the terminal (`pause`); absent without a terminal. */
  readonly ask?: (question: string, secret: boolean) => Promise<string>;
  /**
   * `--retry-failed`: only these hosts (after `hosts` and `-l`), in this order: the hosts
   * that failed come first, so that the first batch of a rolling play is one of them.
   */
  readonly onlyHosts?: readonly string[];
  /** Module lookup; defaults to the registry of src/modules. Tests pass their own. */
  readonly modules?: (name: string) => ModuleDefinition | undefined;
  /** Directory of the playbook file, for relative `src` paths (default: dirname of playbook.file). */
  readonly playbookDir?: string;
  /**
   * The run's id (`tpx_run_id`); a new time-based one when absent. `-e tpx_run_id=…` wins
   * over both (see run-id.ts).
   */
  readonly runId?: string;
  /** Wait between `until` retries; tests shorten it. Default: real timers. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * Masks secrets in task results, and learns the values `no_log` tasks produce; the
   * reporters must mask with the same one. Default: the process-wide secretMasker.
   */
  readonly masker?: SecretMasker;
}

/** Where and why a rolling run stopped early. */
export interface HaltInfo {
  readonly play: string;
  /** 1-based batch number. */
  readonly batch: number;
  readonly reason: string;
}

export interface RunOutcome {
  readonly stats: Readonly<Record<string, HostStats>>;
  readonly hostStatus: Readonly<Record<string, HostStatus>>;
  /** Every task result of every host, in the order they finished. */
  readonly results: Readonly<Record<string, readonly TaskResult[]>>;
  readonly interrupted: boolean;
  readonly halted: HaltInfo | null;
  /** Hosts the run never got to because it halted or was interrupted: no task ran on them. */
  readonly notReached: readonly string[];
  /** Hosts a halt or an interrupt stopped after some of their tasks ran (neither failed nor unreachable). */
  readonly stoppedEarly: readonly string[];
  /** 0 ok, 2 a host failed, 3 unreachable only, 99 interrupted (the README's exit codes). */
  readonly exitCode: number;
}
