import { dirname } from 'node:path';
import { resolveModuleName } from '../modules/params/all-params.js';
import { findIncludeAction } from '../schema/include-actions.js';
import type { FileContext, IncludingFile, TaskListReader } from './include-types.js';
import { includeBlock } from './include-task.js';
import type { SourcePos, YamlPath, YamlSource } from '../schema/yaml-source.js';
import { normaliseArgs } from './normalise-args.js';
import { compact, loopOf, splitNumeric, templateOnly, toConditions, toList, toTags } from './normalise-values.js';
import { findModuleKeys } from './task-keys.js';
import type { Block, Task, TaskKeywords, TaskNode } from './types.js';

type Obj = Readonly<Record<string, unknown>>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Turns validated YAML task nodes into typed ones (not frozen yet; the playbook is frozen
 * whole). Include and import actions are resolved through `loader` (include-task.ts).
 */
export class TaskNormaliser implements IncludingFile {
  constructor(
    readonly source: YamlSource,
    readonly loader?: TaskListReader,
    readonly context: FileContext = { dir: dirname(source.file) },
  ) {}

  /** A list of tasks and blocks at `path`. */
  nodes(value: unknown, path: YamlPath): TaskNode[] {
    if (!Array.isArray(value)) return [];
    return value.map((raw: Obj, i) => this.node(raw, [...path, i]));
  }

  node(raw: Obj, path: YamlPath): TaskNode {
    if ('block' in raw) return this.block(raw, path);
    const include = this.loader && findIncludeAction(raw);
    return include ? includeBlock(this, raw, path, include) : this.task(raw, path);
  }

  block(raw: Obj, path: YamlPath): Block {
    return compact({
      kind: 'block' as const,
      ...this.keywords(raw, path),
      block: this.nodes(raw.block, [...path, 'block']),
      rescue: this.nodes(raw.rescue, [...path, 'rescue']),
      always: this.nodes(raw.always, [...path, 'always']),
    });
  }

  task(raw: Obj, path: YamlPath): Task {
    const key = findModuleKeys(raw)[0];
    const module = resolveModuleName(key)!;
    const keywords = this.keywords(raw, path);
    const templated: Record<string, string> = { ...keywords.templated };
    const loopControl = (raw.loop_control ?? {}) as Obj;
    const task: Mutable<Task> = {
      kind: 'task',
      ...keywords,
      module,
      args: normaliseArgs(module, raw[key], raw.args),
      register: raw.register as string | undefined,
      changedWhen: toConditions(raw.changed_when),
      failedWhen: toConditions(raw.failed_when),
      until: toConditions(raw.until),
      retries: splitNumeric(raw.retries, 'retries', templated),
      delay: splitNumeric(raw.delay, 'delay', templated),
      async: splitNumeric(raw.async, 'async', templated),
      poll: splitNumeric(raw.poll, 'poll', templated),
      ...loopOf(raw),
      loopVar: typeof loopControl.loop_var === 'string' ? loopControl.loop_var : 'item',
      notify: toList(raw.notify),
      notifyPos: toList(raw.notify).map((_, i) => this.source.posOf(Array.isArray(raw.notify) ? [...path, 'notify', i] : [...path, 'notify'])),
      listen: toList(raw.listen),
      modulePos: this.source.keyLineOf([...path, key]),
      role: this.context.role?.name,
      roleDir: this.context.role?.dir,
    };
    task.templated = Object.keys(templated).length > 0 ? templated : undefined;
    return compact(task);
  }

  /** The keywords tasks and blocks share; inherited play → block → task at run time, not merged here. */
  keywords(raw: Obj, path: YamlPath): Mutable<TaskKeywords> {
    return keywordsOf(raw, this.source.posOf(path));
  }
}

/** The shared keywords of a task, block or role entry as written, at `pos`. */
export function keywordsOf(raw: Obj, pos: SourcePos): Mutable<TaskKeywords> {
  const templated: Record<string, string> = {};
  return {
    name: raw.name as string | undefined,
    when: toConditions(raw.when) ?? [],
    tags: toTags(raw.tags),
    become: raw.become as boolean | undefined,
    becomeUser: raw.become_user as string | undefined,
    ignoreErrors:
      typeof raw.ignore_errors === 'string' ? templateOnly(raw.ignore_errors, 'ignore_errors', templated) : (raw.ignore_errors as boolean | undefined),
    noLog: raw.no_log as boolean | undefined,
    checkMode: raw.check_mode as boolean | undefined,
    runOnce: raw.run_once as boolean | undefined,
    timeout: splitNumeric(raw.timeout, 'timeout', templated),
    vars: (raw.vars ?? {}) as Obj,
    remoteUser: raw.remote_user as string | undefined,
    environment: raw.environment,
    delegateTo: raw.delegate_to === undefined ? undefined : String(raw.delegate_to),
    delegateFacts: raw.delegate_facts as boolean | undefined,
    connection: raw.connection as string | undefined,
    pos,
    templated: Object.keys(templated).length > 0 ? templated : undefined,
  };
}
