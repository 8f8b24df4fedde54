import type { YamlSource } from '../schema/yaml-source.js';
import { forEachRawTask } from './task-keys.js';

type Obj = Record<string, unknown>;

/**
 * Ansible's `local_action:` — `local_action: command uptime` or `local_action: {module:
 * copy, src: a, dest: b}` — as the task it stands for: that module with those arguments and
 * `delegate_to: localhost`, before the schema looks at the task. A task that also has
 * `delegate_to` or a module, or a value that names no module, is left alone for the schema to
 * report.
 */
export function expandLocalAction(source: YamlSource): YamlSource {
  let value: unknown[] | undefined;
  forEachRawTask(source.value, (node, path) => {
    if (!('local_action' in node) || 'delegate_to' in node) return;
    const action = node.local_action;
    let module: string | undefined;
    let args: unknown;
    if (typeof action === 'string') {
      const m = /^\s*(\S+)(?:\s+([\s\S]*))?$/.exec(action);
      if (m) [module, args] = [m[1], m[2] ?? ''];
    } else if (action !== null && typeof action === 'object' && !Array.isArray(action) && typeof (action as Obj).module === 'string') {
      const { module: name, ...rest } = action as Obj;
      [module, args] = [name as string, rest];
    }
    if (module === undefined || module in node) return;
    value ??= structuredClone(source.value as unknown[]);
    const copy = path.reduce<unknown>((at, step) => (at as Record<string | number, unknown>)[step], value) as Obj;
    delete copy.local_action;
    Object.assign(copy, { [module]: args, delegate_to: 'localhost' });
  });
  return value === undefined ? source : { ...source, value };
}
