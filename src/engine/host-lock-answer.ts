/**
 * What the host side of the run lock (host/run-lock.sh) answers, parsed. Every line it
 * prints for tpx starts with `TPXLOCK `; anything else (a login banner, a shell's noise)
 * is ignored.
 */

/** A process a connection that ended without releasing the lock left running. */
export interface LeftProcess {
  readonly pid: string;
  readonly command: string;
}

/** The run whose connection ended without releasing the lock, and what it left running. */
export interface PreviousHolder {
  readonly holder: Readonly<Record<string, string>>;
  readonly left: readonly LeftProcess[];
  /** Processes beyond those listed. */
  readonly more: number;
}

export type LockAnswer =
  | { readonly kind: 'ok'; readonly previous?: PreviousHolder }
  | { readonly kind: 'held'; readonly holder: Readonly<Record<string, string>> }
  | { readonly kind: 'unavailable'; readonly reason: string };

/** True once `stdout` holds a complete answer that ends the script (held, unavailable) or keeps it (ok). */
export function hasLockAnswer(stdout: string): boolean {
  // Lines as parseLockAnswer splits them: a \r or U+2028 in text a host printed is no line end.
  return stdout.split('\n').includes('TPXLOCK ok');
}

/** Reads the lock script's stdout (all of it for `held` and `unavailable`, up to `ok` for ok). */
export function parseLockAnswer(stdout: string): LockAnswer {
  const lines = stdout.split('\n');
  const left: LeftProcess[] = [];
  let more = 0;
  let previous: Record<string, string> | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line.startsWith('TPXLOCK ')) continue;
    const [kind, ...rest] = line.slice('TPXLOCK '.length).split(' ');
    if (kind === 'ok') return { kind: 'ok', ...(previous ? { previous: { holder: previous, left, more } } : {}) };
    if (kind === 'unavailable') return { kind: 'unavailable', reason: rest.join(' ') || 'unknown answer' };
    if (kind === 'held') return { kind: 'held', holder: keyValues(lines.slice(i + 1)) };
    if (kind === 'left' && rest[0] === 'more') more = Number(rest[1]) || 0;
    else if (kind === 'left') left.push({ pid: rest[0] ?? '?', command: rest.slice(1).join(' ').trim() });
    else if (kind === 'previous') previous = keyValues(rest);
  }
  const text = stdout.trim();
  return { kind: 'unavailable', reason: `no answer from the lock script${text ? `: ${text.slice(0, 200)}` : ''}` };
}

function keyValues(words: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq > 0) out[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return out;
}
