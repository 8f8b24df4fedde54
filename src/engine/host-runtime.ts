import type { InventoryHost } from '../inventory/types.js';
import type { Task } from '../playbook/types.js';
import type { Connection } from '../transport/connection.js';
import { countResult, emptyStats, taskHostStatus, worstStatus, type HostStats, type HostStatus, type TaskResult } from './results.js';

/** Everything the engine keeps about one host for the whole run. */
export class HostRuntime {
  readonly name: string;
  readonly inventory: InventoryHost;
  /** Registered results and set_fact values: they outlive the play, as in Ansible. */
  readonly facts: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  readonly stats: HostStats = emptyStats();
  readonly results: TaskResult[] = [];
  /** Worst status so far; undefined until the host has a result. */
  status: HostStatus | undefined;
  /** Set once the host could not be reached; it takes no further part in the run. */
  unreachable = false;
  /** Set once a task failed for good (not rescued, not ignored); later plays leave the host out. */
  failed = false;
  /** The failed task and its result, for `rescue` and `always` (ansible_failed_task/result). */
  failedTask: Record<string, unknown> | undefined;
  failedResult: Record<string, unknown> | undefined;
  /** Handlers notified in the current batch, by handler. */
  readonly notified = new Set<Task>();
  /**
   * The (lazily opened) connections, one per login user the tasks asked for (key '': the
   * default one). Each holds its run lock until the run ends with the host.
   */
  readonly connections = new Map<string, Promise<Connection>>();
  /**
   * The connection this host's last task used: the runtime that owns it (this host's, or the
   * delegate's for a delegated task) and its login-user key ('': the default one).
   */
  lastConnection: { readonly owner: HostRuntime; readonly key: string } | undefined;
  /** Set once a connection to the host was established: a later `closed` error is a lost connection. */
  connected = false;

  constructor(inventory: InventoryHost) {
    this.name = inventory.name;
    this.inventory = inventory;
  }

  /** Stores a registered result or a fact (highest precedence below -e). */
  setFact(name: string, value: unknown): void {
    Object.defineProperty(this.facts, name, { value, enumerable: true, writable: true, configurable: true });
  }

  /** Records a finished task: the result list, the recap counters (as Ansible counts them) and the worst status. */
  record(result: TaskResult): void {
    this.results.push(result);
    countResult(this.stats, result);
    const status = taskHostStatus(result);
    this.status = this.status === undefined ? status : worstStatus(this.status, status);
  }

  /** Still part of the run: neither unreachable nor failed for good. */
  get alive(): boolean {
    return !this.unreachable && !this.failed;
  }
}
