import { ExitCode, TpxError } from '../errors/tpx-error.js';
import { parseMode } from './file-mode.js';
import type { ModuleParams } from './params/module-params.js';
import { suggest } from '../errors/suggest.js';

/**
 * A module was given bad parameters. The engine turns it into a failed task (or, when the
 * loader checks static parameters, an input error at the module's position). The message
 * does not repeat the module's name; shortMessage does.
 */
export class ModuleArgsError extends TpxError {
  readonly module: string;
  readonly param?: string;

  constructor(module: string, message: string, param?: string) {
    super('module-args', message, { exitCode: ExitCode.hostsFailed, shortMessage: `${module}: ${message}` });
    this.module = module;
    this.param = param;
  }
}

/**
 * Reads a module's raw (templated) parameters once, at the entry of normalise(): rejects
 * unknown keys with a did-you-mean, resolves aliases, and converts values the way Ansible
 * does (`yes`/`no` booleans, numbers as strings where a string is expected).
 */
export class ModuleArgs {
  private readonly values = new Map<string, unknown>();
  /** The key each parameter was given under (its name or an alias). */
  private readonly givenAs = new Map<string, string>();

  constructor(
    readonly module: string,
    args: Readonly<Record<string, unknown>>,
    known: readonly string[],
    aliases: Readonly<Record<string, string>> = {},
  ) {
    const accepted = [...known, ...Object.keys(aliases)];
    for (const [key, value] of Object.entries(args)) {
      if (!accepted.includes(key)) {
        const hint = suggest(
          key,
          accepted.filter((k) => !k.startsWith('_')),
        );
        throw this.error(
          `unsupported parameter '${key}'${hint ? ` (did you mean '${hint}'?)` : ''}; supported: ${known.filter((k) => !k.startsWith('_')).join(', ')}`,
          key,
        );
      }
      const name = aliases[key] ?? key;
      const earlier = this.givenAs.get(name);
      if (earlier !== undefined) throw this.error(`'${earlier}' and '${key}' are the same parameter; give only one`, key);
      this.givenAs.set(name, key);
      if (value !== null && value !== undefined) this.values.set(name, value);
    }
  }

  /** A ModuleArgsError for this module. */
  error(message: string, param?: string): ModuleArgsError {
    return new ModuleArgsError(this.module, message, param);
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  raw(name: string): unknown {
    return this.values.get(name);
  }

  string(name: string): string | undefined {
    const v = this.values.get(name);
    if (v === undefined) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw this.error(`'${name}' must be a string, not ${describe(v)}`, name);
  }

  requiredString(name: string): string {
    const v = this.string(name);
    if (v === undefined || v === '') throw this.error(`'${name}' is required`, name);
    return v;
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.values.get(name);
    if (v === undefined) return fallback;
    const b = toBool(v);
    if (b === undefined) throw this.error(`'${name}' must be a boolean (true/false, yes/no), not ${describe(v)}`, name);
    return b;
  }

  /** A non-negative integer. */
  int(name: string, fallback: number): number {
    const v = this.values.get(name);
    if (v === undefined) return fallback;
    const n = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw this.error(`'${name}' must be a non-negative integer, not ${describe(v)}`, name);
    return n;
  }

  /** A list of strings; a single string becomes a one-item list. */
  stringList(name: string): string[] | undefined {
    const v = this.values.get(name);
    if (v === undefined) return undefined;
    const list = Array.isArray(v) ? v : [v];
    return list.map((item, i) => {
      if (typeof item === 'string') return item;
      if (typeof item === 'number' || typeof item === 'boolean') return String(item);
      throw this.error(`'${name}[${i}]' must be a string, not ${describe(item)}`, name);
    });
  }

  oneOf<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const v = this.string(name);
    if (v === undefined) return fallback;
    if (!(choices as readonly string[]).includes(v)) throw this.error(`'${name}' must be one of ${choices.join(', ')}, not '${v}'`, name);
    return v as T;
  }

  /** A file mode: an octal string (`'0644'`) or a number (`0o644`, YAML 1.1 `0644`). */
  mode(name: string): number | undefined {
    const v = this.values.get(name);
    if (v === undefined) return undefined;
    try {
      return parseMode(v);
    } catch (err) {
      throw this.error(`'${name}': ${(err as Error).message}`, name);
    }
  }
}

/** Ansible's boolean strings. */
export function toBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 1 || v === 0) return v === 1;
  if (typeof v !== 'string') return undefined;
  const s = v.trim().toLowerCase();
  if (['yes', 'true', 'on', 'y', 't', '1'].includes(s)) return true;
  if (['no', 'false', 'off', 'n', 'f', '0'].includes(s)) return false;
  return undefined;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/**
 * The parameter names a module accepts: those its schema in src/modules/params declares (the
 * single source of truth, also used by the loader), plus `extra` ones the module understands
 * beyond it (Ansible names the schema does not list yet).
 */
export function paramNames(params: ModuleParams, extra: readonly string[] = []): string[] {
  const properties = (params.schema.properties ?? {}) as Record<string, unknown>;
  return [...new Set([...Object.keys(properties), ...extra])];
}
