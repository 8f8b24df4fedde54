import { renderValue, type TemplateContext } from '../template/render.js';
import { describeType, isMapping, pyStr } from '../template/python-values.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A task's `environment`: each layer (play, blocks, task — outermost first) rendered and
 * merged, an inner name winning, as Ansible merges them. Values become text as Python's
 * `str()` writes them (`True`, `None`, `5`). Throws an Error naming the problem when a layer
 * does not render to a mapping or a name cannot be an environment variable.
 */
export function renderEnvironment(layers: readonly unknown[], ctx: TemplateContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const layer of layers) {
    if (layer === null || layer === undefined) continue;
    for (const part of Array.isArray(layer) ? layer : [layer]) {
      const rendered = renderValue(part, ctx);
      if (rendered === null || rendered === undefined || rendered === '') continue;
      if (!isMapping(rendered)) throw new Error(`environment must be a mapping of names to values, not ${describeType(rendered)}`);
      for (const [name, value] of Object.entries(rendered)) {
        if (!NAME.test(name)) throw new Error(`environment: ${JSON.stringify(name)} cannot be an environment variable name (letters, digits and _)`);
        Object.defineProperty(out, name, { value: pyStr(value), enumerable: true, writable: true, configurable: true });
      }
    }
  }
  return out;
}
