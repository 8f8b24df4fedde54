import type { Play, TaskKeywords } from '../playbook/types.js';

/**
 * The keywords in force at one point of the task tree: play → block → task, the inner one
 * winning, `when` conditions and tags accumulating, vars layered outer first.
 */
export interface Scope {
  readonly when: readonly string[];
  readonly tags: readonly string[];
  readonly become?: boolean;
  readonly becomeUser?: string;
  /** `remote_user` as written (may be a template). */
  readonly remoteUser?: string;
  /** `environment` layers as written, outermost first; inner names win. */
  readonly environment: readonly unknown[];
  /** `delegate_to` as written (may be a template). */
  readonly delegateTo?: string;
  readonly delegateFacts?: boolean;
  /** `connection` (`local` runs on the controller). */
  readonly connection?: string;
  readonly ignoreErrors?: boolean;
  /** `ignore_errors` written as a template (rendered per host by ignore-errors.ts); set only when `ignoreErrors` is not. */
  readonly ignoreErrorsTemplate?: string;
  readonly noLog?: boolean;
  readonly checkMode?: boolean;
  readonly runOnce?: boolean;
  /** Seconds. */
  readonly timeout?: number;
  /** `timeout` written as a template (rendered per host by task-numbers.ts); set only when `timeout` is not. */
  readonly timeoutTemplate?: string;
  /** Block and task vars, outermost first. */
  readonly vars: readonly Readonly<Record<string, unknown>>[];
  /** Vars that differ per host (an include's loop item), outermost first, above `vars`. */
  readonly hostVars?: readonly ReadonlyMap<string, Readonly<Record<string, unknown>>>[];
  /** A failure here is caught by an enclosing block's `rescue`. */
  readonly rescuable: boolean;
}

/** The scope at the top of a play. */
export function createPlayScope(play: Play): Scope {
  return {
    when: [],
    tags: [...play.tags],
    become: play.become,
    becomeUser: play.becomeUser,
    remoteUser: play.remoteUser,
    environment: play.environment === undefined ? [] : [play.environment],
    connection: play.connection,
    vars: [],
    rescuable: false,
  };
}

/** The scope inside a block or at a task: its keywords over the enclosing ones. */
export function enterScope(outer: Scope, node: TaskKeywords): Scope {
  return {
    when: node.when.length > 0 ? [...outer.when, ...node.when] : outer.when,
    tags: node.tags.length > 0 ? [...new Set([...outer.tags, ...node.tags])] : outer.tags,
    become: node.become ?? outer.become,
    becomeUser: node.becomeUser ?? outer.becomeUser,
    remoteUser: node.remoteUser ?? outer.remoteUser,
    environment: node.environment === undefined ? outer.environment : [...outer.environment, node.environment],
    delegateTo: node.delegateTo ?? outer.delegateTo,
    delegateFacts: node.delegateFacts ?? outer.delegateFacts,
    connection: node.connection ?? outer.connection,
    ...innerIgnoreErrors(outer, node),
    noLog: node.noLog ?? outer.noLog,
    checkMode: node.checkMode ?? outer.checkMode,
    runOnce: node.runOnce ?? outer.runOnce,
    ...innerTimeout(outer, node),
    vars: Object.keys(node.vars).length > 0 ? [...outer.vars, node.vars] : outer.vars,
    hostVars: outer.hostVars,
    rescuable: outer.rescuable,
  };
}

/** The same scope with failures caught (inside a block that has a rescue) or not. */
export function withRescuable(scope: Scope, rescuable: boolean): Scope {
  return scope.rescuable === rescuable ? scope : { ...scope, rescuable };
}

/** The innermost `ignore_errors`, a boolean or a template, whichever the node wrote. */
function innerIgnoreErrors(outer: Scope, node: TaskKeywords): Pick<Scope, 'ignoreErrors' | 'ignoreErrorsTemplate'> {
  if (node.ignoreErrors !== undefined) return { ignoreErrors: node.ignoreErrors };
  const template = node.templated?.ignore_errors;
  if (template !== undefined) return { ignoreErrorsTemplate: template };
  return { ignoreErrors: outer.ignoreErrors, ignoreErrorsTemplate: outer.ignoreErrorsTemplate };
}

/** The innermost `timeout`, a number or a template, whichever the node wrote. */
function innerTimeout(outer: Scope, node: TaskKeywords): Pick<Scope, 'timeout' | 'timeoutTemplate'> {
  if (node.timeout !== undefined) return { timeout: node.timeout };
  const template = node.templated?.timeout;
  if (template !== undefined) return { timeoutTemplate: template };
  return { timeout: outer.timeout, timeoutTemplate: outer.timeoutTemplate };
}
