/**
 * Reads `systemctl show` output (`Key=Value` lines) into a dict, as Ansible's systemd module
 * reads it: the value after the first `=`, stripped of surrounding blanks; a later line for the
 * same key wins; lines without `=` are skipped. Only an `Exec…=` value that opens with `{` and
 * does not close with `}` on its line goes on over the next lines, up to one that ends with `}`
 * (joined with newlines, stripped) — other values that start with `{` stay on their line.
 */
export function parseSystemctlShow(text: string): Record<string, string> {
  const parsed: Record<string, string> = {};
  let key: string | undefined;
  let multi: string[] = [];
  for (const line of text.split('\n')) {
    if (key === undefined) {
      const eq = line.indexOf('=');
      if (eq < 0) continue;
      const k = line.slice(0, eq);
      const v = line.slice(eq + 1);
      if (k.startsWith('Exec') && pyStrip(v, 'start').startsWith('{') && !pyStrip(v, 'end').endsWith('}')) {
        key = k;
        multi = [v];
        continue;
      }
      parsed[k] = pyStrip(v);
      continue;
    }
    multi.push(line);
    if (pyStrip(line, 'end').endsWith('}')) {
      parsed[key] = pyStrip(multi.join('\n'));
      key = undefined;
      multi = [];
    }
  }
  return parsed;
}

/** Whitespace as Python's str.strip() counts it (ASCII and Unicode; unlike \s, not U+FEFF). */
const WS = '[\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const LEADING = new RegExp(`^${WS}+`);
const TRAILING = new RegExp(`${WS}+$`);

/** Python's str.strip(), lstrip() (start) or rstrip() (end) without arguments. */
function pyStrip(s: string, side: 'both' | 'start' | 'end' = 'both'): string {
  let out = s;
  if (side !== 'end') out = out.replace(LEADING, '');
  if (side !== 'start') out = out.replace(TRAILING, '');
  return out;
}
