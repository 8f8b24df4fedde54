import { isAbsolute, join, normalize } from 'node:path';

/**
 * How a configuration value is typed, after Ansible's `ensure_type` (config/manager.py) for
 * the types the keys tpx reads use. A function returns undefined when the text is not a value
 * of its type; the caller says where it came from.
 */

/** Where relative paths and `~` point, and what `$VAR` expands to. */
export interface PathContext {
  /** The directory relative paths start from: the config file's, or the current one for an environment variable. */
  readonly base: string;
  readonly home: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

const TRUE_WORDS = new Set(['y', 'yes', 'on', '1', 'true', 't']);
const FALSE_WORDS = new Set(['n', 'no', 'off', '0', 'false', 'f']);

/**
 * Ansible's boolean words (any case): `yes`/`no`, `true`/`false`, `on`/`off`, `y`/`n`, `t`/`f`,
 * `1`/`0`. Ansible reads any other text as false; tpx refuses it.
 */
export function toBoolean(text: string): boolean | undefined {
  const word = text.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}

/** A whole number of at least 1 (Python's `int()` also takes a sign, which no key here wants). */
export function toPositiveInteger(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\+?\d+$/.test(trimmed)) return undefined;
  const n = Number(trimmed);
  return Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}

/** A string setting: one level of matching quotes removed, as Ansible's `unquote` does. */
export function toText(text: string): string {
  const quoted = text.length > 1 && text[0] === text.at(-1) && (text[0] === '"' || text[0] === "'") && text.at(-2) !== '\\';
  return quoted ? text.slice(1, -1) : text;
}

/**
 * A path as Ansible's `resolve_path` makes it: `{{CWD}}` replaced, `$VAR` and `${VAR}` expanded
 * (unknown ones left as written), a leading `~` made the home directory, then made absolute from
 * `base` and normalised. Symbolic links are not followed.
 */
export function resolveConfigPath(text: string, ctx: PathContext): string {
  const expanded = expandHome(expandVars(text.replaceAll('{{CWD}}', ctx.base), ctx.env), ctx.home);
  return normalize(isAbsolute(expanded) ? expanded : join(ctx.base, expanded));
}

/**
 * A comma-separated list of paths (Ansible's `pathlist`, the type of `inventory`): each part
 * trimmed and resolved. Empty parts are dropped (Ansible would resolve them to `base` itself).
 */
export function toPathList(text: string, ctx: PathContext): string[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => resolveConfigPath(part, ctx));
}

/** A colon-separated list of paths (Ansible's `pathspec`, the type of `roles_path`); empty parts dropped. */
export function toPathSpec(text: string, ctx: PathContext): string[] {
  return text
    .split(':')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => resolveConfigPath(part, ctx));
}

/** `$NAME` and `${NAME}` as Python's `os.path.expandvars`: a name not set stays as written. */
function expandVars(text: string, env: Readonly<Record<string, string | undefined>>): string {
  return text.replace(/\$(\w+|\{[^}]*\})/g, (whole, name: string) => {
    const value = env[name.startsWith('{') ? name.slice(1, -1) : name];
    return value === undefined ? whole : value;
  });
}

/** A leading `~` or `~/…` (another user's `~name` stays as written). */
function expandHome(path: string, home: string): string {
  return path === '~' || path.startsWith('~/') ? home + path.slice(1) : path;
}
