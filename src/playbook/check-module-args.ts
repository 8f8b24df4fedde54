import type { InputProblem } from '../errors/input-error.js';
import { ModuleArgsError } from '../modules/module-args.js';
import { getModule } from '../modules/registry.js';
import type { YamlSource } from '../schema/yaml-source.js';
import { containsTemplate } from '../template/syntax.js';
import { normaliseArgs } from './normalise-args.js';
import { findModuleKeys, forEachRawTask } from './task-keys.js';

type Obj = Readonly<Record<string, unknown>>;
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Runs each module's own parameter check (its `normalise`) on arguments that hold no
 * template, so what the schema cannot say (`cmd` and `argv` together, `msg` and `var`
 * together, an unsplittable command line) is found before any connection. Meant for a
 * playbook that passed the schema; arguments with templates are checked at run time.
 */
export function checkModuleArgs(source: YamlSource): InputProblem[] {
  const problems: InputProblem[] = [];
  forEachRawTask(source.value, (node, path) => {
    const [key] = findModuleKeys(node);
    if (key === undefined) return;
    const module = getModule(key);
    const args = normaliseArgs(module?.name ?? key, node[key], node.args);
    if (!module?.normalise || hasTemplate(args)) return;
    try {
      module.normalise(args);
    } catch (error) {
      if (!(error instanceof ModuleArgsError)) throw error;
      const inModule = error.param !== undefined && isObject(node[key]) && error.param in node[key];
      const pos = inModule ? source.keyPosOf([...path, key, error.param!]) : source.keyPosOf([...path, key]);
      problems.push({ ...pos, message: `${module.name}: ${error.message}`, sourceLine: source.lineText(pos.line) });
    }
  });
  return problems;
}

function hasTemplate(value: unknown): boolean {
  if (typeof value === 'string') return containsTemplate(value);
  if (Array.isArray(value)) return value.some(hasTemplate);
  if (isObject(value)) return Object.values(value).some(hasTemplate);
  return false;
}
