import type { ExecResult } from '../transport/connection.js';
import type { ModuleParams } from './params/module-params.js';

/**
 * The module contract: plan, then execute. A module reads facts from the host
 * (commands plus parsers), then turns parameters and facts into a plan — what would
 * change and the actions that change it. Only the engine runs things on hosts, so a
 * module is testable without one.
 */

/** A command whose output tells the module the host's current state. */
export interface FactRequest {
  readonly key: string;
  readonly command: string;
  /** Facts that need root (reading a root-only file) ask for become. */
  readonly become?: boolean;
  /** Given to the command on its stdin: what must not be on a command line (a password, a header). */
  readonly stdin?: string | Buffer;
}

/** What a fact command returned. */
export type FactResults = Readonly<Record<string, ExecResult>>;

/**
 * One step the engine runs on the host, in order. An `exec` with a non-zero rc stops the
 * task and fails it (with resultFromLastExec, the last exec's rc decides instead). `become`
 * is set explicitly by the module from PlanContext.become; the engine adds becomeUser.
 */
export type Action =
  | {
      readonly kind: 'exec';
      readonly command: string;
      readonly stdin?: string | Buffer;
      readonly become?: boolean;
      readonly display?: string;
      /** The command may take the connection down with it (a reboot): a connection lost while it runs counts as exit 0. */
      readonly mayDisconnect?: boolean;
      /** How a non-zero exit fails the task instead of the usual message: `{stdout}`, `{stderr}` stand for its output. */
      readonly onFailure?: ActionFailure;
    }
  | {
      readonly kind: 'put';
      readonly content: string | Buffer;
      readonly path: string;
      readonly mode?: number;
      readonly owner?: string;
      readonly become?: boolean;
    }
  | AwaitAction;

/** The task's msg (and returned values) when an action fails in a way the module words itself. */
export interface ActionFailure {
  readonly msg: string;
  readonly returns?: Readonly<Record<string, unknown>>;
}

/**
 * Runs `command` until it passes or `timeoutMs` runs out (reboot, wait_for_connection). It
 * passes when it exits 0 and, with `differsFrom`, prints something (trimmed) that is neither
 * empty nor that (a new boot id). A try whose connection fails, or cannot be opened, closes
 * it; the next try opens a new one, which takes the host's run lock again as any connect does.
 * A host locked by another run is not waited for: the host is unreachable.
 */
export interface AwaitAction {
  readonly kind: 'await';
  readonly command: string;
  readonly become?: boolean;
  readonly differsFrom?: string;
  /** Close the connection before the first try too: the host has dropped it or is about to. */
  readonly reconnect?: boolean;
  /** Seconds a new connection may take to open (absent: the connection's own setting). */
  readonly connectTimeout?: number;
  /** Waited before the first try. */
  readonly delayMs?: number;
  readonly timeoutMs: number;
  /** The pause after a try that did not pass: fixed, or `backoff` (1, 2, 4, 8 s, then 12 s, each plus up to 1 s). */
  readonly pauseMs: number | 'backoff';
  /** When time runs out; `{error}` in its msg stands for what the last try said. */
  readonly onTimeout: ActionFailure;
}

export interface Plan {
  /** Whether running the actions changes the host (as far as the facts tell). */
  readonly changed: boolean;
  readonly actions: readonly Action[];
  /** Unified diff for --diff. */
  readonly diff?: string;
  readonly msg?: string;
  /** When set, the task fails without running anything (e.g. assert, fail). */
  readonly failed?: boolean;
  /** Values the module returns directly (set_fact's facts, debug's msg...). */
  readonly returns?: Readonly<Record<string, unknown>>;
  /** Command-like modules: the result of the last exec action is the task's rc/stdout/stderr. */
  readonly resultFromLastExec?: boolean;
  /** Command-like modules are skipped in check mode (their effect cannot be predicted). */
  readonly skipInCheckMode?: boolean;
  /** The task is skipped without running anything (debug below its verbosity); msg says why. */
  readonly skipped?: boolean;
  /** Variables to store on the host with set_fact precedence (set_fact). */
  readonly facts?: Readonly<Record<string, unknown>>;
  /**
   * Warnings shown to the operator but not part of the result `register` gets (what Ansible's
   * action plugins print with display.warning, e.g. `service` ignoring `sleep` under systemd).
   */
  readonly notices?: readonly string[];
  /** The result carries `elapsed`: whole seconds from the first action to the end, failed or not (reboot, wait_for_connection). */
  readonly elapsed?: boolean;
}

export interface PlanContext {
  readonly host: string;
  readonly check: boolean;
  readonly diff: boolean;
  readonly become: boolean;
  readonly becomeUser: string;
  /** Directory of the playbook, for relative local `src` paths. */
  readonly playbookDir: string;
  /** The role directory of a task that comes from a role: its `files/` are searched first. */
  readonly roleDir?: string;
  /** The file the task is written in (include_vars looks beside it). */
  readonly taskFile?: string;
  /**
   * Reads a vars file on the controller as `vars_files` are read (vault data decrypted and
   * masked); throws an InputError on a bad file (include_vars).
   */
  readonly readVarsFile?: (file: string) => Readonly<Record<string, unknown>>;
  /** The task's variables (for debug `var:`). */
  readonly vars: Readonly<Record<string, unknown>>;
  readonly verbosity: number;
  /**
   * Evaluates a bare Jinja2 expression with the task's variables (assert `that`, debug `var`).
   * Throws on an undefined variable, naming it. Local modules that need it fail clearly without it.
   */
  readonly evaluate?: (expression: string) => unknown;
  /** The task's name (for a prompt). */
  readonly task?: string;
  /** Aborts when the run is interrupted: a module that waits on the controller stops waiting. */
  readonly signal?: AbortSignal;
  /** Asks the operator one line on the terminal; absent when there is no terminal to ask on. */
  readonly ask?: (question: string, secret: boolean) => Promise<string>;
  /** The task runs on the controller itself (`connection: local`, localhost): reboot refuses. */
  readonly local?: boolean;
}

/**
 * A module's facts, plan and action in one command: the command reads what the facts would
 * and acts on it on the host, and `settle` says from its result what happened (changed,
 * msg, returns, or failed). Offered where sending what the action needs costs less than the
 * facts' round trip (a small archive); the engine runs it outside check mode only.
 */
export interface OneTrip {
  readonly command: string;
  readonly stdin?: string | Buffer;
  readonly become: boolean;
  /** What the command's result means, as a plan with no actions left. */
  settle(result: ExecResult): Plan;
}

export interface ModuleDefinition<P = Record<string, unknown>> {
  readonly name: string;
  /** Its parameters' schema, one-line description and example (published in the playbook schema). */
  readonly params: ModuleParams;
  /** Runs on the controller only, never touches the host (debug, set_fact, assert, fail). */
  readonly local?: boolean;
  /**
   * Runs once for the hosts a task reaches together (a batch), on the first of them, which
   * alone records a result, as Ansible's host-loop-bypassing actions do (`pause`).
   */
  readonly oncePerBatch?: boolean;
  /** Normalises templated parameters (free-form strings, aliases) into P; throws on invalid values. */
  normalise?(args: Readonly<Record<string, unknown>>): P;
  facts?(params: P, ctx: PlanContext): readonly FactRequest[];
  /** One command instead of facts then actions, for these params (undefined: the usual way); never asked in check mode. */
  oneTrip?(params: P, ctx: PlanContext): OneTrip | undefined | Promise<OneTrip | undefined>;
  /** Local async preparation, e.g. reading a local src file. Runs before plan. */
  plan(params: P, facts: FactResults, ctx: PlanContext): Plan | Promise<Plan>;
}
