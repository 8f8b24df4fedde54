/** The loaded, validated and normalised playbook: frozen objects that keep their source position. */

import type { SourceLine, SourcePos } from '../schema/yaml-source.js';
import type { WithLoop } from '../template/with-loops.js';

/** Keywords that blocks and tasks share; inherited from play → block → task at run time. */
export interface TaskKeywords {
  readonly name?: string;
  /** Bare Jinja2 expressions, all of which must hold (a list in YAML is an AND). */
  readonly when: readonly string[];
  readonly tags: readonly string[];
  readonly become?: boolean;
  readonly becomeUser?: string;
  readonly ignoreErrors?: boolean;
  readonly noLog?: boolean;
  readonly checkMode?: boolean;
  readonly runOnce?: boolean;
  /** Seconds. */
  readonly timeout?: number;
  readonly vars: Readonly<Record<string, unknown>>;
  /** The user to log in as (`remote_user`); an `ansible_user` variable wins over it. */
  readonly remoteUser?: string;
  /** `environment` as written: a mapping, a template that renders to one, or a list of them. */
  readonly environment?: unknown;
  /** `delegate_to` as written (may be a template); `local_action` sets `localhost`. */
  readonly delegateTo?: string;
  /** With delegate_to: facts go to the delegated host. */
  readonly delegateFacts?: boolean;
  /** `connection: local` runs on the controller. */
  readonly connection?: string;
  readonly pos: SourcePos;
  /**
   * Numeric keywords written as a `{{ template }}` (e.g. `timeout: "{{ install_timeout }}"`),
   * by YAML keyword name (`timeout`, `retries`, `delay`): the engine renders them per host.
   * The typed field (`timeout`, …) is then absent. Absent when there are none.
   */
  readonly templated?: Readonly<Record<string, string>>;
}

export interface Task extends TaskKeywords {
  readonly kind: 'task';
  /** Module name as written (e.g. `shell`), resolved against the module registry at load time. */
  readonly module: string;
  /**
   * Module arguments as written, not yet templated. A free-form string (`command: ls -l`,
   * also shell, script, set_fact) becomes `{ _raw_params: 'ls -l' }`, Ansible's own form, so
   * the module can take inline options (`chdir=/tmp`) out of it; the `args:` keyword is merged in.
   */
  readonly args: Readonly<Record<string, unknown>>;
  readonly register?: string;
  readonly changedWhen?: readonly string[];
  readonly failedWhen?: readonly string[];
  readonly until?: readonly string[];
  readonly retries?: number;
  /** Seconds. */
  readonly delay?: number;
  /** `async`: the most seconds the task may take (`poll` > 0: waited for). */
  readonly async?: number;
  /** `poll`: with `async`, seconds between Ansible's status checks; tpx waits on the connection. */
  readonly poll?: number;
  /** A list, or a template string that renders to one. */
  readonly loop?: unknown;
  /** Set when the loop was written `with_KIND:` (Ansible's older form): how its value becomes the items. */
  readonly loopKind?: WithLoop;
  readonly loopVar: string;
  readonly notify: readonly string[];
  /** Handlers may also `listen` to a topic. */
  readonly listen: readonly string[];
  /** Position of the module key, for argument errors (with its line, for problems found at run time). */
  readonly modulePos: SourcePos | SourceLine;
  /** Where each `notify` entry is written (same order as `notify`). */
  readonly notifyPos?: readonly SourcePos[];
  /** The role the task belongs to, when it comes from one (handlers answer `ROLE : NAME` too). */
  readonly role?: string;
  /** The role's directory: `copy src:` and `script` look in its `files/` first. */
  readonly roleDir?: string;
}

export interface Block extends TaskKeywords {
  readonly kind: 'block';
  readonly block: readonly TaskNode[];
  readonly rescue: readonly TaskNode[];
  readonly always: readonly TaskNode[];
  /**
   * Set for `include_tasks` and `include_role`, Ansible's dynamic includes: the block's `when`
   * and `tags` decide about the include itself, checked once per host (not inherited by the
   * tasks inside), its `vars` and loop item reach the tasks, and each host that includes the
   * file counts one ok per item. Absent for blocks, `import_tasks`, `import_role` and roles.
   */
  readonly include?: DynamicInclude;
}

export interface DynamicInclude {
  readonly action: 'include_tasks' | 'include_role';
  /** What is included, as shown: the file or the role name. */
  readonly what: string;
  readonly loop?: unknown;
  readonly loopKind?: WithLoop;
  readonly loopVar: string;
}

export type TaskNode = Task | Block;

/** `serial` as written: a number, a percentage string, or a list of them. */
export type SerialSpec = readonly (number | string)[];

export interface Play {
  readonly name: string;
  /** A host pattern. */
  readonly hosts: string;
  readonly vars: Readonly<Record<string, unknown>>;
  readonly become?: boolean;
  readonly becomeUser?: string;
  /** `remote_user` (or its older name `user`). */
  readonly remoteUser?: string;
  /** `environment` as written, for every task of the play. */
  readonly environment?: unknown;
  /** `connection: local` runs every task on the controller. */
  readonly connection?: string;
  /** `vars_prompt`: asked when the run starts (src/cli/vars-prompt.ts), the answers joining `vars`. */
  readonly varsPrompt: readonly VarsPrompt[];
  /** `vars_files`, in order; their variables sit above the play's `vars`. */
  readonly varsFiles: readonly VarsFile[];
  /** The `defaults/` of the play's roles, merged in order: below every other variable. */
  readonly roleDefaults: Readonly<Record<string, unknown>>;
  /** The `vars/` of the play's roles, merged in order: above `vars_files`, below block and task vars. */
  readonly roleVars: Readonly<Record<string, unknown>>;
  readonly serial?: SerialSpec;
  readonly maxFailPercentage?: number;
  /**
   * Unreachable hosts count as failed for `max_fail_percentage` (the variable
   * `tpx_unreachable_fails`, rendered with play vars and -e when the run starts; Ansible's way,
   * false, when unset).
   */
  readonly unreachableFails?: boolean;
  readonly anyErrorsFatal: boolean;
  readonly strategy: 'linear' | 'free';
  readonly tags: readonly string[];
  /** `pre_tasks`, `tasks` and `post_tasks`: run in that order, each followed by the handlers it notified (Ansible's flush points). */
  readonly preTasks: readonly TaskNode[];
  readonly tasks: readonly TaskNode[];
  readonly postTasks: readonly TaskNode[];
  readonly handlers: readonly Task[];
  readonly pos: SourcePos;
  /** Where each of the play's keywords is written, with its line: a problem found at run time (a templated `serial`) points there. */
  readonly keyLines?: Readonly<Record<string, SourceLine>>;
  /** `max_fail_percentage` or `any_errors_fatal` written as a `{{ template }}`, by YAML keyword name; see TaskKeywords.templated. */
  readonly templated?: Readonly<Record<string, string>>;
}

/** One `vars_prompt` entry. */
export interface VarsPrompt {
  readonly name: string;
  readonly prompt: string;
  readonly private: boolean;
  readonly default?: string | number | boolean;
  readonly confirm: boolean;
  readonly pos: SourcePos;
}

/**
 * One `vars_files` entry: the candidate paths (the first that exists is read), and, when no
 * path is a template, the variables read at load time. Templated paths are read per host.
 */
export interface VarsFile {
  readonly paths: readonly string[];
  /** Read at load time (no template in any path); absent when the paths are templates. */
  readonly vars?: Readonly<Record<string, unknown>>;
  readonly pos: SourcePos;
}

export interface Playbook {
  readonly file: string;
  readonly plays: readonly Play[];
}

/** A play's task sections in the order they run: pre_tasks, tasks, post_tasks. */
export function playSections(play: Pick<Play, 'preTasks' | 'tasks' | 'postTasks'>): readonly (readonly TaskNode[])[] {
  return [play.preTasks, play.tasks, play.postTasks];
}
