import { WITH_LOOP_KEYS } from '../template/with-loops.js';
import type { InputProblem } from '../errors/input-error.js';
import type { Inventory } from '../inventory/types.js';
import { resolveModuleName } from '../modules/params/all-params.js';
import type { YamlPath, YamlSource } from '../schema/yaml-source.js';
import { TemplateChecker } from './check-templates.js';
import { checkHostsPattern } from './check-hosts.js';
import { missingHandlerMessage } from './check-notify.js';
import { containsTemplate } from '../template/syntax.js';
import { findIncludeAction } from '../schema/include-actions.js';
import {
  EXPRESSION_KEYWORDS,
  EXPRESSION_PARAMS,
  findModuleKeys,
  hasUnknownKeys,
  MODULE_NAMES,
  PLAY_TASK_LISTS,
  BLOCK_TASK_LISTS,
  forEachRawTask,
} from './task-keys.js';

export interface CheckPlaybookOptions {
  /** When given, each play's `hosts` pattern is checked against it. */
  readonly inventory?: Inventory;
  /** false for a file of tasks pulled in by a play: its handlers are the play's (check-notify.ts). */
  readonly notify?: boolean;
}

const LOOP_KEYS: ReadonlySet<string> = new Set(WITH_LOOP_KEYS);

type Obj = Readonly<Record<string, unknown>>;

const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The checks a schema cannot express, run on the raw YAML value whatever its shape (so
 * they add to the schema's problems instead of waiting for them to be fixed): exactly one
 * module per task, template and expression syntax, hosts patterns. (`notify` is checked once
 * roles and includes are read: check-notify.ts.)
 */
export function checkPlaybook(source: YamlSource, options: CheckPlaybookOptions = {}): InputProblem[] {
  const problems: InputProblem[] = [];
  const templates = new TemplateChecker(source);
  const add = (path: YamlPath, message: string, key = false): void => {
    const pos = key ? source.keyPosOf(path) : source.posOf(path);
    problems.push({ ...pos, message, sourceLine: source.lineText(pos.line) });
  };
  if (!Array.isArray(source.value)) return problems;

  source.value.forEach((play: unknown, p) => {
    if (!isObject(play)) return;
    const handlers = options.notify === false || pullsInFiles(play) ? undefined : handlerNames(play.handlers);
    for (const [key, value] of Object.entries(play)) {
      if (!(PLAY_TASK_LISTS as readonly string[]).includes(key)) templates.checkTemplates(value, [p, key]);
    }
    if ('user' in play && 'remote_user' in play) {
      add([p, 'user'], 'both "user" and "remote_user" are set; "user" is the older name of "remote_user", keep one', true);
    }
    if (options.inventory && play.hosts !== undefined) {
      for (const message of checkHostsPattern(options.inventory, play.hosts)) add([p, 'hosts'], message);
    }
    const checkNode = (node: unknown, path: YamlPath): void => {
      if (!isObject(node)) return;
      if ('block' in node) {
        for (const [key, value] of Object.entries(node)) {
          if ((BLOCK_TASK_LISTS as readonly string[]).includes(key)) {
            if (Array.isArray(value)) value.forEach((child, i) => checkNode(child, [...path, key, i]));
          } else if (EXPRESSION_KEYWORDS.has(key)) templates.checkConditions(value, [...path, key]);
          else templates.checkTemplates(value, [...path, key]);
        }
        return;
      }
      checkTask(node, path);
    };
    const checkTask = (task: Obj, path: YamlPath): void => {
      const include = findIncludeAction(task);
      const modules = [...(include ? [include.key] : []), ...findModuleKeys(task)];
      if (modules.length > 1) {
        add(
          [...path, modules[1]],
          `two modules in one task: "${modules[0]}" and "${modules[1]}"; a task runs exactly one module, so split it into two tasks`,
          true,
        );
      } else if (modules.length === 0 && !hasUnknownKeys(task)) {
        add(path, `no module in this task; add exactly one of: ${MODULE_NAMES.join(', ')}`);
      }
      const loops = Object.keys(task).filter((k) => k === 'loop' || LOOP_KEYS.has(k));
      if (loops.length > 1) add([...path, loops[1]], `two loops in one task: "${loops[0]}" and "${loops[1]}"; keep one`, true);
      for (const [key, value] of Object.entries(task)) {
        const kpath = [...path, key];
        const module = resolveModuleName(key);
        if (EXPRESSION_KEYWORDS.has(key)) templates.checkConditions(value, kpath);
        else if (key === 'notify') checkNotify(value, kpath);
        else if (module && isObject(value)) {
          for (const [param, v] of Object.entries(value)) {
            if (EXPRESSION_PARAMS[module]?.has(param)) templates.checkConditions(v, [...kpath, param]);
            else templates.checkTemplates(v, [...kpath, param]);
          }
        } else templates.checkTemplates(value, kpath);
      }
    };
    // With roles or includes, the play's handlers are known once those are read: check-notify.ts.
    const checkNotify = (value: unknown, path: YamlPath): void => {
      if (handlers === undefined) return;
      const names = typeof value === 'string' ? [[value, path] as const] : Array.isArray(value) ? value.map((v, i) => [v, [...path, i]] as const) : [];
      for (const [name, at] of names) {
        if (typeof name !== 'string') continue;
        if (containsTemplate(name)) {
          templates.checkTemplates(name, at);
          continue;
        }
        if (handlers.has(name)) continue;
        add(at, missingHandlerMessage(name, handlers));
      }
    };
    for (const list of PLAY_TASK_LISTS) {
      const nodes = play[list];
      if (Array.isArray(nodes)) nodes.forEach((t, i) => checkNode(t, [p, list, i]));
    }
  });
  return [...problems, ...templates.problems];
}

/** Handler names and listen topics of a play. */
function handlerNames(handlers: unknown): Set<string> {
  const out = new Set<string>();
  if (!Array.isArray(handlers)) return out;
  for (const h of handlers) {
    if (!isObject(h)) continue;
    if (typeof h.name === 'string') out.add(h.name);
    const listen = typeof h.listen === 'string' ? [h.listen] : Array.isArray(h.listen) ? h.listen : [];
    for (const topic of listen) if (typeof topic === 'string') out.add(topic);
  }
  return out;
}

/** The play has roles or include/import tasks: its handlers are not all written in it. */
function pullsInFiles(play: Obj): boolean {
  if (Array.isArray(play.roles) && play.roles.length > 0) return true;
  let found = false;
  forEachRawTask([play], (task) => {
    found ||= findIncludeAction(task) !== undefined;
  });
  return found;
}
