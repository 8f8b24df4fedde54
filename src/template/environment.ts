/**
 * The one nunjucks environment of tpx (no autoescape, no loaders) with tpx's filters,
 * tests, globals and runtime, and the compile cache: each distinct template text is
 * compiled once, however many hosts render it.
 */
import nunjucks from 'nunjucks';
import { FILTER_NAMES, TEST_NAMES } from './catalog.js';
import { TpxCompiler } from './compiler.js';
import { buildFilters } from './filters/index.js';
import type { FilterFunction } from './filters/filter-types.js';
import { nj, type NjNode } from './nunjucks-internals.js';
import { templateRuntime } from './runtime.js';
import { buildTests, type TestFunction } from './tests.js';

/** A compiled template; `render` returns text, or the native value in native mode. */
export interface CompiledTemplate {
  render(vars: Record<string, unknown>): unknown;
}

interface EnvironmentInternals {
  tpx: typeof templateRuntime;
  getFilter(name: string): FilterFunction;
  getTest(name: string): TestFunction;
  addFilter(name: string, fn: FilterFunction): void;
  addTest(name: string, fn: TestFunction): void;
  addGlobal(name: string, value: unknown): void;
}

/** Builds a fresh environment; `dev: true` keeps the original error as `cause` of nunjucks' errors. */
export function createTemplateEnvironment(): nunjucks.Environment {
  const env = new nunjucks.Environment([], { autoescape: false, throwOnUndefined: false, dev: true });
  const internals = env as unknown as EnvironmentInternals;
  internals.tpx = templateRuntime;
  const filters = buildFilters({ getFilter: (n) => internals.getFilter(n), getTest: (n) => internals.getTest(n) });
  for (const name of FILTER_NAMES) {
    const fn = filters[name];
    if (!fn) throw new Error(`template filter "${name}" is listed but not implemented`);
    internals.addFilter(name, fn);
  }
  const tests = buildTests();
  for (const name of TEST_NAMES) {
    const fn = tests[name];
    if (!fn) throw new Error(`template test "${name}" is listed but not implemented`);
    internals.addTest(name, fn);
  }
  // Python spellings of the constants, as Ansible playbooks write them.
  internals.addGlobal('True', true);
  internals.addGlobal('False', false);
  internals.addGlobal('None', null);
  return env;
}

let sharedEnvironment: nunjucks.Environment | undefined;

/** The process-wide environment, built on first use. */
export function getTemplateEnvironment(): nunjucks.Environment {
  sharedEnvironment ??= createTemplateEnvironment();
  return sharedEnvironment;
}

/** How many templates were compiled so far (for tests of the cache). */
export const compileStats = { compiled: 0 };

const MAX_CACHED = 10_000;
const textCache = new Map<string, CompiledTemplate>();
const nativeCache = new Map<string, CompiledTemplate>();

/** Compiles a parsed template (text output, or with `native` the value of its single expression). */
export function compileAst(ast: NjNode, native: boolean): CompiledTemplate {
  const env = getTemplateEnvironment();
  const compiler = new TpxCompiler('template', native);
  compiler.compile(nj.transformer.transform(ast, []));
  const props = new Function(compiler.getCode())() as object;
  const TemplateClass = nunjucks.Template as unknown as new (src: object, env: nunjucks.Environment, path: string, eager: boolean) => CompiledTemplate;
  compileStats.compiled++;
  return new TemplateClass({ type: 'code', obj: props }, env, 'template', true);
}

/** The cached compiled template for `key`, compiled by `build` on first use. */
export function getCachedTemplate(key: string, native: boolean, build: () => CompiledTemplate): CompiledTemplate {
  const cache = native ? nativeCache : textCache;
  let compiled = cache.get(key);
  if (!compiled) {
    if (cache.size >= MAX_CACHED) cache.clear();
    compiled = build();
    cache.set(key, compiled);
  }
  return compiled;
}
