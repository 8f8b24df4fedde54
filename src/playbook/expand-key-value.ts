import { parseKeyValueArgs } from '../modules/key-value-args.js';
import type { JsonSchema } from '../modules/params/module-params.js';
import { getModule } from '../modules/registry.js';
import type { YamlSource } from '../schema/yaml-source.js';
import { containsTemplate } from '../template/syntax.js';
import { findModuleKeys, forEachRawTask } from './task-keys.js';

type Obj = Record<string, unknown>;
const TRUE_WORDS = /^(?:y|yes|on|1|true|t)$/i;
const FALSE_WORDS = /^(?:n|no|off|0|false|f)$/i;

/**
 * Ansible's `key=value` form for modules that have no free form (`file: path=/srv
 * state=directory`): such a string becomes the mapping it stands for before the schema looks
 * at the task, with each value typed as the module's parameter is (`force=yes` a boolean,
 * `mode=0644` stays the string "0644"), as Ansible's argument spec converts them. A string
 * that is not all `key=value` words is left alone, for the schema to report. Problems point
 * at the string.
 *
 * Returns the source unchanged when there is nothing to expand, else a copy with the new value.
 */
export function expandKeyValueArgs(source: YamlSource): YamlSource {
  let value: unknown[] | undefined;
  forEachRawTask(source.value, (node, path) => {
    const [key] = findModuleKeys(node);
    const params = key === undefined ? undefined : getModule(key)?.params;
    const line = key === undefined ? undefined : node[key];
    if (!params || params.freeForm || typeof line !== 'string') return;
    let parsed: ReturnType<typeof parseKeyValueArgs>;
    try {
      parsed = parseKeyValueArgs(line);
    } catch {
      return; // the schema reports the string
    }
    if (parsed.rest !== undefined || Object.keys(parsed.options).length === 0) return;
    value ??= structuredClone(source.value as unknown[]);
    const copy = at(value, path) as Obj;
    copy[key!] = typed(parsed.options, params.schema);
  });
  return value === undefined ? source : { ...source, value };
}

function at(root: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((node, step) => (node as Record<string | number, unknown>)[step], root);
}

/** Each value as its parameter's type wants it: booleans and numbers from their words; the rest stays text. */
function typed(options: Readonly<Record<string, string>>, schema: JsonSchema): Obj {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const out: Obj = {};
  for (const [name, text] of Object.entries(options)) {
    const types = [properties[name]?.type ?? []].flat() as string[];
    let value: unknown = text;
    if (!containsTemplate(text)) {
      if (types.includes('boolean') && TRUE_WORDS.test(text)) value = true;
      else if (types.includes('boolean') && FALSE_WORDS.test(text)) value = false;
      else if (!types.includes('string') && (types.includes('integer') || types.includes('number')) && /^-?\d+(?:\.\d+)?$/.test(text)) value = Number(text);
      else if (!types.includes('string') && types.includes('array')) value = text.split(',').map((s) => s.trim());
    }
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
