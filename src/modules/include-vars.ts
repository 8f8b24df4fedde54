import { existsSync, statSync } from 'node:fs';
import { expandFreeForm } from './free-form.js';
import { IncludeVarsFailure, findVarsFile, loadVarsFile, resolveVarsDir, selectDirFiles, type DirSelection } from './include-vars-files.js';
import { ModuleArgs, ModuleArgsError, paramNames } from './module-args.js';
import type { ModuleDefinition, Plan, PlanContext } from './module.js';
import { includeVarsParams } from './params/include-vars.js';

/** Parameters of `include_vars`: one file, or a directory's files; optionally under one name. */
export type IncludeVarsParams =
  | { readonly kind: 'file'; readonly file: string; readonly name?: string }
  | ({ readonly kind: 'dir'; readonly dir: string; readonly name?: string } & DirSelection);

const FILE_ARGS = ['file', '_raw_params'];
const DIR_ARGS = ['dir', 'depth', 'files_matching', 'ignore_files', 'extensions', 'ignore_unknown_extensions'];
const DEFAULT_EXTENSIONS = ['yaml', 'yml', 'json'];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Ansible's rules: a free-form line is the file (its `key=value` words are options), file and
 * directory options do not mix, `hash_behaviour` may only be Ansible's default, `replace`.
 */
export function normaliseIncludeVars(raw: Readonly<Record<string, unknown>>): IncludeVarsParams {
  const { args: given, rest: line } = expandFreeForm(raw, paramNames(includeVarsParams));
  const rest = line?.trim() ? line : undefined;
  const keys = [...Object.keys(given), ...(rest === undefined ? [] : ['_raw_params'])];
  if (keys.some((k) => DIR_ARGS.includes(k)) && keys.some((k) => FILE_ARGS.includes(k))) {
    throw new ModuleArgsError('include_vars', 'You are mixing file only and dir only arguments, these are incompatible');
  }
  const args = new ModuleArgs('include_vars', given, paramNames(includeVarsParams));
  const hash = args.string('hash_behaviour');
  if (hash !== undefined && hash !== 'replace')
    throw args.error(`hash_behaviour '${hash}' is not supported (only 'replace', Ansible's default)`, 'hash_behaviour');
  const name = args.string('name') || undefined;
  if (name !== undefined && !NAME.test(name)) throw args.error(`'${name}' is not a valid variable name`, 'name');
  const dir = args.string('dir');
  if (dir) {
    return {
      kind: 'dir',
      dir,
      name,
      depth: args.int('depth', 0),
      filesMatching: args.string('files_matching') || undefined,
      ignoreFiles: ignoreList(args),
      extensions: extensionList(args),
      ignoreUnknownExtensions: args.bool('ignore_unknown_extensions', false),
    };
  }
  const file = (args.string('file') || rest?.replace(/\n+$/, '')) ?? '';
  if (file === '') throw args.error("give the vars file (free form or 'file') or 'dir'", 'file');
  return { kind: 'file', file, name };
}

/** A string is split on whitespace, as Ansible splits it. */
function ignoreList(args: ModuleArgs): string[] {
  const v = args.raw('ignore_files');
  if (typeof v === 'string') return v.split(/\s+/).filter((w) => w !== '');
  return args.stringList('ignore_files') ?? [];
}

/** A string becomes its characters, as Python's list() makes it in Ansible (so write a list). */
function extensionList(args: ModuleArgs): string[] {
  const v = args.raw('extensions');
  if (v === undefined) return DEFAULT_EXTENSIONS;
  if (typeof v === 'string') return [...v];
  if (!Array.isArray(v)) throw args.error('Invalid type for "extensions" option, it must be a list', 'extensions');
  return args.stringList('extensions') ?? [];
}

function planIncludeVars(p: IncludeVarsParams, ctx: PlanContext): Plan {
  const included: string[] = [];
  let values: Record<string, unknown> = {};
  try {
    const files = p.kind === 'file' ? [findVarsFile(p.file, ctx)] : dirFiles(p, ctx);
    for (const file of files) {
      values = { ...values, ...loadVarsFile(file, ctx.readVarsFile) };
      included.push(file);
    }
  } catch (error) {
    if (!(error instanceof IncludeVarsFailure)) throw error;
    // Ansible's key for this failure is `message`; `msg` too, so that every reporter shows it.
    return { changed: false, actions: [], failed: true, msg: error.message, returns: { message: error.message, ansible_included_var_files: included } };
  }
  const facts = p.name === undefined ? values : { [p.name]: values };
  return { changed: false, actions: [], facts, returns: { ansible_included_var_files: included } };
}

function dirFiles(p: IncludeVarsParams & { kind: 'dir' }, ctx: PlanContext): string[] {
  const dir = resolveVarsDir(p.dir, ctx);
  if (!existsSync(dir)) throw new IncludeVarsFailure(`${dir} directory does not exist`);
  if (!statSync(dir).isDirectory()) throw new IncludeVarsFailure(`${dir} is not a directory`);
  return selectDirFiles(dir, p);
}

/**
 * `include_vars`: variables from files on the controller, stored on the host for the tasks that
 * follow (at set_fact's precedence; see docs/ansible-compat.md), also in check mode.
 */
export const includeVarsModule: ModuleDefinition<IncludeVarsParams> = {
  name: 'include_vars',
  params: includeVarsParams,
  local: true,
  normalise: normaliseIncludeVars,
  plan: (p, _facts, ctx) => planIncludeVars(p, ctx),
};
