import type { ErrorObject } from 'ajv';
import type { InputProblem } from '../errors/input-error.js';
import { describeExpected, describeValue } from './describe-value.js';
import { didYouMean, suggest } from '../errors/suggest.js';
import { WITH_LOOP_KEYS } from '../template/with-loops.js';
import { UNSUPPORTED_KEYWORDS, UNSUPPORTED_MODULES } from './ansible-unsupported.js';
import type { YamlPath, YamlSource } from './yaml-source.js';

type Schema = Readonly<Record<string, unknown>>;

/** Keys that Ansible users write and tpx spells differently or does not have. */
const SPECIAL_KEYS: ReadonlyArray<[RegExp, (key: string, title: string) => string | undefined]> = [
  [/^with_/, (key) => `"${key}" is not supported; use "loop" (tpx has ${WITH_LOOP_KEYS.join(', ')})`],
  [
    /^(rescue|always)$/,
    (key, title) => (title === 'task' || title === 'handler' ? `"${key}" is only allowed in a block: add a "block" list to this task` : undefined),
  ],
  [/^listen$/, (key, title) => (title === 'task' ? `"${key}" is only allowed in handlers` : undefined)],
  [/^(roles|import_playbook)$/, (key) => `"${key}" is not supported yet; put the tasks under "tasks"`],
  [/^(include_tasks|import_tasks|include_role|import_role|include)$/, (key) => `"${key}" is not supported; write the tasks in this playbook`],
];

/**
 * Turns ajv's errors (allErrors, verbose) into one message per problem and location:
 * if/then and oneOf/anyOf cascades are collapsed, unknown keys get a did-you-mean,
 * and each problem points at its node in the YAML file.
 */
export function mapAjvErrors(errors: readonly ErrorObject[], source: YamlSource, modules: readonly string[]): InputProblem[] {
  const kept = collapseBranches(errors.filter((e) => e.keyword !== 'if'));
  const problems: InputProblem[] = [];
  const add = (pos: { line: number; col: number }, message: string): void => {
    problems.push({ file: source.file, line: pos.line, col: pos.col, message, sourceLine: source.lineText(pos.line) });
  };

  // A missing key that an unknown key of the same mapping is a typo of: report the typo only.
  const typoFor = new Set<string>();
  for (const e of kept) {
    if (e.keyword !== 'additionalProperties') continue;
    const key = String((e.params as { additionalProperty: string }).additionalProperty);
    const near = suggest(key, Object.keys(((e.parentSchema as Schema).properties as Schema | undefined) ?? {}));
    if (near) typoFor.add(`${e.instancePath}\u0000${near}`);
  }
  const valueErrors = new Map<string, ErrorObject[]>();
  for (const e of kept) {
    const path = parsePointer(e.instancePath);
    if (e.keyword === 'additionalProperties') {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      add(source.keyPosOf([...path, key]), unknownKeyMessage(key, e.parentSchema as Schema, e.data, modules));
    } else if (e.keyword === 'required') {
      const key = (e.params as { missingProperty: string }).missingProperty;
      if (typoFor.has(`${e.instancePath}\u0000${key}`)) continue;
      add(source.posOf(path), `missing required key "${key}" in ${titleOf(e.parentSchema as Schema)}`);
    } else if (e.keyword === 'propertyNames') {
      const name = (e.params as { propertyName: string }).propertyName;
      add(source.keyPosOf([...path, name]), `invalid variable name "${name}": use letters, digits and _ (not starting with a digit)`);
    } else if (e.keyword === 'anyOf-required') {
      const keys = (e.params as { keys: string[] }).keys;
      add(source.posOf(path), `missing required key ${keys.map((k) => `"${k}"`).join(' or ')} in ${titleOf(e.parentSchema as Schema)}`);
    } else if ((e as { propertyName?: string }).propertyName === undefined) {
      const list = valueErrors.get(e.instancePath) ?? [];
      list.push(e);
      valueErrors.set(e.instancePath, list);
    }
  }
  for (const [pointer, list] of valueErrors) {
    // The outermost schema at this location says best what was expected there.
    const outer = list.reduce((a, b) => (b.schemaPath.length < a.schemaPath.length ? b : a));
    const path = parsePointer(pointer);
    const schema = outer.parentSchema as Schema;
    const label = path.length === 0 ? `the ${titleOf(schema)}` : labelOf(path);
    let message = `${label} must be ${describeExpected(schema)}, got ${describeValue(outer.data)}`;
    if (isEmpty(outer.data) && list.every((e) => /^min(Items|Length|Properties)$/.test(e.keyword))) {
      message = `${label} is empty; expected ${describeExpected(schema)}`;
    }
    if (Array.isArray(schema?.enum) && typeof outer.data === 'string') {
      message += didYouMean(outer.data, schema.enum.map(String));
    }
    add(source.posOf(path), message);
  }
  return problems;
}

/**
 * For each failed anyOf/oneOf: keep the errors of the branches whose type matched the
 * value (they say what is wrong inside it); when no branch matched, keep only the
 * anyOf/oneOf error itself. Branches that all only miss a key become one "anyOf-required".
 */
function collapseBranches(errors: readonly ErrorObject[]): ErrorObject[] {
  const drop = new Set<ErrorObject>();
  const extra: ErrorObject[] = [];
  for (const e of errors) {
    if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf') continue;
    const prefix = `${e.schemaPath}/`;
    const branches = new Map<string, ErrorObject[]>();
    for (const sub of errors) {
      if (!sub.schemaPath.startsWith(prefix)) continue;
      const index = sub.schemaPath.slice(prefix.length).split('/')[0];
      branches.set(index, [...(branches.get(index) ?? []), sub]);
    }
    const matched = [...branches.values()].filter((list) => !list.some((s) => s.keyword === 'type' && s.instancePath === e.instancePath));
    for (const list of branches.values()) if (!matched.includes(list)) list.forEach((s) => drop.add(s));
    if (matched.length === 0) continue;
    drop.add(e);
    const flat = matched.flat();
    if (flat.every((s) => s.keyword === 'required' && s.instancePath === e.instancePath)) {
      flat.forEach((s) => drop.add(s));
      const keys = flat.map((s) => (s.params as { missingProperty: string }).missingProperty);
      extra.push({ ...e, keyword: 'anyOf-required', params: { keys } });
    }
  }
  return [...errors.filter((e) => !drop.has(e)), ...extra];
}

function unknownKeyMessage(key: string, schema: Schema, data: unknown, modules: readonly string[]): string {
  const title = titleOf(schema);
  for (const [re, make] of SPECIAL_KEYS) {
    const special = re.test(key) ? make(key, title) : undefined;
    if (special) return special;
  }
  const short = key.replace(/^ansible\.(?:builtin|legacy)\./, '');
  const isTaskLike = title === 'task' || title === 'handler';
  if (UNSUPPORTED_KEYWORDS.has(key) && !(isTaskLike && UNSUPPORTED_MODULES.has(key))) {
    return `"${key}" is an Ansible keyword that tpx does not support yet (docs/ansible-compat.md)`;
  }
  if (isTaskLike && UNSUPPORTED_MODULES.has(short)) {
    return `"${key}" is an Ansible module that tpx does not support yet; the modules are ${modules.join(', ')}`;
  }
  const properties = Object.keys((schema.properties as Schema | undefined) ?? {});
  if (title === 'block') {
    const module = modules.includes(key.replace(/^ansible\.builtin\./, ''));
    if (module) return `a block cannot have a module ("${key}"); move it into a task under "block"`;
    if (BLOCKLESS_TASK_KEYS.includes(key)) return `"${key}" is not allowed on a block, only on the tasks inside it`;
  }
  if (!isTaskLike) return `unknown key "${key}" in ${title}${didYouMean(key, properties)}`;
  const keywords = properties.filter((p) => !modules.includes(p) && !p.includes('.'));
  const nearKeyword = suggest(key, keywords);
  if (nearKeyword) return `unknown key "${key}" in ${title}; did you mean "${nearKeyword}"?`;
  const nearModule = suggest(key.replace(/^ansible\.builtin\./, ''), modules);
  if (nearModule) return `unknown module "${key}"; did you mean "${nearModule}"?`;
  const hasModule = data !== null && typeof data === 'object' && Object.keys(data).some((k) => modules.includes(k.replace(/^ansible\.builtin\./, '')));
  if (hasModule) return `unknown key "${key}" in ${title}`;
  return `unknown module "${key}"; the modules are ${modules.join(', ')}`;
}

/** Task keys that make no sense on a block. */
const BLOCKLESS_TASK_KEYS = [
  'register',
  'changed_when',
  'failed_when',
  'until',
  'retries',
  'delay',
  'loop',
  ...WITH_LOOP_KEYS,
  'loop_control',
  'notify',
  'args',
];

function isEmpty(value: unknown): boolean {
  if (Array.isArray(value) || typeof value === 'string') return value.length === 0;
  return value !== null && typeof value === 'object' && Object.keys(value).length === 0;
}

function titleOf(schema: Schema | undefined): string {
  return typeof schema?.title === 'string' ? schema.title : 'mapping';
}

/** `"retries"`, `item 2 of "serial"`, `play 1`, `the playbook`. */
function labelOf(path: YamlPath): string {
  const last = path[path.length - 1];
  if (typeof last === 'number') {
    const parent = path[path.length - 2];
    if (parent === undefined) return `item ${last + 1}`;
    return `item ${last + 1} of "${parent}"`;
  }
  return `"${last}"`;
}

/** `/0/tasks/3` → [0, 'tasks', 3]; numeric segments become numbers. */
function parsePointer(pointer: string): YamlPath {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}
