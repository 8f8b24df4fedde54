/** Reading an attribute path (`"a.b"`, `"items.0"`) for filters such as map, selectattr and sort. */
import { isMapping } from '../python-values.js';
import { UndefinedValue, isUndefinedValue } from '../undefined.js';

/** The value at a dotted path, or the Undefined marker when a step is missing. */
export function readAttribute(value: unknown, path: string): unknown {
  let current = value;
  for (const step of path.split('.')) {
    if (isUndefinedValue(current)) return current;
    if (Array.isArray(current) && /^-?\d+$/.test(step)) {
      const i = Number(step) < 0 ? current.length + Number(step) : Number(step);
      current = i >= 0 && i < current.length ? current[i] : new UndefinedValue(path, `no item ${step}`);
    } else if (isMapping(current) && Object.hasOwn(current, step) && current[step] !== undefined) {
      current = current[step];
    } else {
      current = new UndefinedValue(path, `no attribute "${step}"`);
    }
  }
  return current;
}
