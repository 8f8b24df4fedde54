/** Data format filters: to_json, to_nice_json, tojson, from_json, to_yaml, to_nice_yaml, from_yaml, b64encode, b64decode, hash. */
import { createHash } from 'node:crypto';
import { Document, isCollection, isPair, parse as parseYaml, visit } from 'yaml';
import { isMapping, pyStr } from '../python-values.js';
import { splitArguments } from '../tests.js';
import { TemplateValueError } from '../value-error.js';
import type { FilterFunction } from './filter-types.js';

interface DumpOptions {
  readonly indent?: number;
  readonly sortKeys?: boolean;
}

/** Python's json.dumps: `", "` and `": "` separators, ASCII only, optional indent and key sorting. */
export function dumpJson(value: unknown, options: DumpOptions = {}, depth = 0): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const indent = options.indent;
  const open = (items: string[], l: string, r: string): string => {
    if (items.length === 0) return l + r;
    if (indent === undefined) return l + items.join(', ') + r;
    const pad = ' '.repeat(indent * (depth + 1));
    return `${l}\n${pad}${items.join(`,\n${pad}`)}\n${' '.repeat(indent * depth)}${r}`;
  };
  if (Array.isArray(value))
    return open(
      value.map((v) => dumpJson(v, options, depth + 1)),
      '[',
      ']',
    );
  if (isMapping(value)) {
    const keys = Object.keys(value);
    if (options.sortKeys) keys.sort();
    return open(
      keys.map((k) => `${dumpJson(k)}: ${dumpJson(value[k], options, depth + 1)}`),
      '{',
      '}',
    );
  }
  return dumpJson(pyStr(value), options, depth);
}

function toJson(value: unknown, ...args: unknown[]): string {
  const { keywords } = splitArguments(args);
  return dumpJson(value, { indent: keywords.indent === undefined ? undefined : Number(keywords.indent), sortKeys: Boolean(keywords.sort_keys) });
}

function fromJson(value: unknown): unknown {
  try {
    return JSON.parse(pyStr(value));
  } catch (error) {
    throw new TemplateValueError(`from_json: not valid JSON (${(error as Error).message})`);
  }
}

/**
 * YAML like PyYAML's dump in Ansible: keys sorted, sequences not indented under their key;
 * `to_yaml` writes collections that hold only scalars in flow style (`{a: 1}`), `to_nice_yaml`
 * writes block style with an indent of 4.
 */
function dumpYaml(value: unknown, nice: boolean, indent: number): string {
  const doc = new Document(value, { sortMapEntries: true });
  if (!nice) {
    visit(doc, {
      Collection(_key, node) {
        if (isCollection(node) && node.items.every((item) => !isCollection(isPair(item) ? item.value : item))) node.flow = true;
      },
    });
  }
  return doc.toString({ indent, indentSeq: false, lineWidth: 0, flowCollectionPadding: false });
}

function fromYaml(value: unknown): unknown {
  try {
    return parseYaml(pyStr(value));
  } catch (error) {
    throw new TemplateValueError(`from_yaml: not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
}

function hashText(value: unknown, algorithm: unknown = 'sha1'): string {
  try {
    return createHash(pyStr(algorithm)).update(pyStr(value)).digest('hex');
  } catch {
    throw new TemplateValueError(`hash: unknown algorithm ${JSON.stringify(algorithm)}`);
  }
}

/** The filters of this file by name. */
export const dataFormatFilters: Record<string, FilterFunction> = {
  to_json: toJson,
  to_nice_json: (value, ...args) => dumpJson(value, { indent: Number(splitArguments(args).keywords.indent ?? 4), sortKeys: true }),
  tojson: (value) => dumpJson(value, { sortKeys: true }),
  from_json: fromJson,
  to_yaml: (value, ...args) => dumpYaml(value, false, Number(splitArguments(args).keywords.indent ?? 2)),
  to_nice_yaml: (value, ...args) => dumpYaml(value, true, Number(splitArguments(args).keywords.indent ?? 4)),
  from_yaml: fromYaml,
  b64encode: (value) => Buffer.from(pyStr(value), 'utf8').toString('base64'),
  b64decode: (value) => Buffer.from(pyStr(value), 'base64').toString('utf8'),
  hash: hashText,
};
