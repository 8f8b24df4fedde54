/**
 * POSIX sh quoting: the one place that turns values into words of a command line. Every
 * path, argument and pattern that modules, the transport (sudo, uploads), the run lock and
 * the lab put into a command goes through here. (The `quote` template filter is Ansible's,
 * with Ansible's rules: template/filters.)
 */

// No `=`: a leading NAME=value word would be read as an assignment.
const SAFE_WORD = /^[A-Za-z0-9_@%+:,./-]+$/;

/**
 * Quotes one argument so that a POSIX shell reads it back as exactly one word with exactly
 * this value: no expansion, no splitting. Plain words stay readable (`/etc/hosts`).
 */
export function quoteArg(value: string): string {
  if (value.includes('\0')) throw new Error('a shell argument cannot contain a NUL byte');
  if (value !== '' && SAFE_WORD.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Quotes each argument and joins them with spaces. */
export function quoteArgv(argv: readonly string[]): string {
  return argv.map(quoteArg).join(' ');
}

/**
 * Quotes a path pattern for `creates`/`removes`: `*` and `?` stay glob characters, everything
 * else is literal. The result is safe to use unquoted (it cannot expand to anything but paths).
 */
export function quoteGlob(pattern: string): string {
  if (!/[*?]/.test(pattern)) return quoteArg(pattern);
  return pattern
    .split(/([*?]+)/)
    .map((part) => (part === '' ? '' : /^[*?]+$/.test(part) ? part : quoteArg(part)))
    .join('');
}

/**
 * Makes a path safe as an operand of commands without `--` support (e.g. `cd`): a relative
 * path that starts with `-` gets a `./` prefix so it is not read as an option.
 */
export function quotePathOperand(path: string): string {
  return quoteArg(path.startsWith('-') ? `./${path}` : path);
}
