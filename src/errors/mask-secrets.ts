const MASK = '********';

/**
 * Keeps the secrets of a run (passwords, passphrases, values `no_log` tasks produced) and
 * masks them in any text before it reaches an output, a log or a file.
 */
export class SecretMasker {
  private readonly secrets = new Set<string>();
  /** The secrets longest first (a secret inside a longer one must not leave the rest showing); rebuilt after an add. */
  private ordered: string[] | undefined = [];

  /** Registers a secret, of any length: callers decide what is worth masking (see engine/no-log-values.ts). */
  add(secret: string | undefined | null): void {
    if (!secret || this.secrets.has(secret)) return;
    this.secrets.add(secret);
    this.ordered = undefined;
  }

  mask(text: string): string {
    this.ordered ??= [...this.secrets].sort((a, b) => b.length - a.length);
    let out = text;
    for (const s of this.ordered) {
      if (out.includes(s)) out = out.split(s).join(MASK);
    }
    return out;
  }

  /** Masks every string inside a JSON-like value. */
  maskDeep<T>(value: T): T {
    if (typeof value === 'string') return this.mask(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.maskDeep(v)) as T;
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.maskDeep(v)])) as T;
    }
    return value;
  }
}

/** The process-wide masker: transport and loaders register, reporters mask. */
export const secretMasker = new SecretMasker();
