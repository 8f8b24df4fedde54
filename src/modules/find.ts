import { DEFAULT_OUTPUT_LIMIT, OUTPUT_LIMIT_VAR } from '../transport/output-capture.js';
import { parseByteSize } from '../transport/byte-size.js';
import type { ExecResult } from '../transport/connection.js';
import { ModuleArgs, paramNames } from './module-args.js';
import type { ModuleDefinition, Plan } from './module.js';
import { findParams } from './params/find.js';
import { failPlan, planOrFail } from './plans.js';
import { answerText, hostPythonCommand } from './host-program.js';

/** The host side (host/find.py): Python's fnmatch, re and lstat, as Ansible's find; input on stdin. */
export const FIND_COMMAND = hostPythonCommand('find.py');

const FILE_TYPES = ['file', 'directory', 'link', 'any'] as const;
const AGE_STAMPS = ['mtime', 'atime', 'ctime'] as const;

/** Parameters of `find`, as the host script reads them (age and size still as written). */
export type FindParams = {
  readonly paths: readonly string[];
  readonly patterns: readonly string[];
  readonly excludes?: readonly string[];
  readonly contains?: string;
  readonly readWholeFile: boolean;
  readonly fileType: (typeof FILE_TYPES)[number];
  readonly age?: string;
  readonly ageStamp: (typeof AGE_STAMPS)[number];
  readonly size?: string;
  readonly recurse: boolean;
  readonly depth?: number;
  readonly hidden: boolean;
  readonly follow: boolean;
  readonly getChecksum: boolean;
  readonly useRegex: boolean;
};

/** A list parameter as Ansible reads one: a string is split on commas. */
function listOf(args: ModuleArgs, name: string): string[] | undefined {
  const v = args.raw(name);
  if (typeof v === 'string') return v.split(',');
  return args.stringList(name);
}

export function normaliseFind(raw: Readonly<Record<string, unknown>>): FindParams {
  const args = new ModuleArgs('find', raw, paramNames(findParams), { path: 'paths', name: 'paths', pattern: 'patterns', exclude: 'excludes' });
  const paths = listOf(args, 'paths');
  if (paths === undefined || paths.length === 0) throw args.error("'paths' is required", 'paths');
  const useRegex = args.bool('use_regex', false);
  const given = listOf(args, 'patterns') ?? [];
  const depth = args.has('depth') ? args.int('depth', 0) : undefined;
  return {
    paths,
    patterns: given.length > 0 ? given : [useRegex ? '.*' : '*'],
    excludes: listOf(args, 'excludes'),
    contains: args.string('contains'),
    readWholeFile: args.bool('read_whole_file', false),
    fileType: args.oneOf('file_type', FILE_TYPES, 'file'),
    age: args.string('age'),
    ageStamp: args.oneOf('age_stamp', AGE_STAMPS, 'mtime'),
    size: args.string('size'),
    recurse: args.bool('recurse', false),
    depth,
    hidden: args.bool('hidden', false),
    follow: args.bool('follow', false),
    getChecksum: args.bool('get_checksum', false),
    useRegex,
  };
}

const AGE_UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const SIZE_UNITS: Readonly<Record<string, number>> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** `7d` → seconds, `10m` → bytes, as Ansible reads them; undefined when it cannot. */
function parseAmount(text: string, units: Readonly<Record<string, number>>): number | undefined {
  const m = new RegExp(`^(-?\\d+)([${Object.keys(units).join('')}])?$`).exec(text.toLowerCase());
  return m ? Number(m[1]) * (m[2] === undefined ? 1 : (units[m[2]] ?? 1)) : undefined;
}

/** Most bytes of answer the host may send: the task's output limit less room for the frame. */
function answerBudget(vars: Readonly<Record<string, unknown>>): number {
  return Math.max(0, (parseByteSize(vars[OUTPUT_LIMIT_VAR]) ?? DEFAULT_OUTPUT_LIMIT) - 512);
}

/** What host/find.py reads on stdin; undefined fields are Ansible's failures for age and size. */
export function findRequest(p: FindParams, max: number): string {
  return JSON.stringify({
    paths: p.paths,
    patterns: p.patterns,
    excludes: p.excludes ?? null,
    contains: p.contains ?? null,
    read_whole_file: p.readWholeFile,
    file_type: p.fileType,
    age: p.age === undefined ? null : parseAmount(p.age, AGE_UNITS),
    age_stamp: p.ageStamp,
    size: p.size === undefined ? null : parseAmount(p.size, SIZE_UNITS),
    recurse: p.recurse,
    depth: p.depth ?? null,
    hidden: p.hidden,
    follow: p.follow,
    get_checksum: p.getChecksum,
    use_regex: p.useRegex,
    max,
  });
}

function amountsValid(p: FindParams): boolean {
  return (p.age === undefined || parseAmount(p.age, AGE_UNITS) !== undefined) && (p.size === undefined || parseAmount(p.size, SIZE_UNITS) !== undefined);
}

function planFind(p: FindParams, fact: ExecResult | undefined): Plan {
  if (p.age !== undefined && parseAmount(p.age, AGE_UNITS) === undefined) return failPlan('failed to process age', { age: p.age });
  if (p.size !== undefined && parseAmount(p.size, SIZE_UNITS) === undefined) return failPlan('failed to process size', { size: p.size });
  const tooLarge = (): Plan =>
    failPlan(`the list of files found does not fit in ${OUTPUT_LIMIT_VAR}; raise it for this task (vars: { ${OUTPUT_LIMIT_VAR}: 16M }) or narrow the search`);
  if ((fact?.stdoutDropped ?? 0) > 0) return tooLarge();
  const doc = JSON.parse(answerText(fact, { module: 'find', mark: 'tpx-find-v1\n' })) as {
    error?: string;
    files?: Record<string, unknown>[];
    examined?: number;
    skipped_paths?: Record<string, string>;
  };
  if (doc.error === 'large') return tooLarge();
  const files = doc.files ?? [];
  const skipped = doc.skipped_paths ?? {};
  const msg = Object.keys(skipped).length > 0 ? 'Not all paths examined, check warnings for details' : 'All paths examined';
  return { changed: false, actions: [], msg, returns: { files, matched: files.length, examined: doc.examined ?? 0, skipped_paths: skipped } };
}

/** `find`: one read-only command on the host (host/find.py), also in check mode; never changed. */
export const findModule: ModuleDefinition<FindParams> = {
  name: 'find',
  params: findParams,
  normalise: normaliseFind,
  facts: (p, ctx) => (!amountsValid(p) ? [] : [{ key: 'found', command: FIND_COMMAND, stdin: findRequest(p, answerBudget(ctx.vars)), become: ctx.become }]),
  plan: (p, facts) => planOrFail(() => planFind(p, facts.found)),
};
