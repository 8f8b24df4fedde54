const MASK = '********';

/**
 * Keeps the secrets of a run (passwords, passphrases) and masks them in any text
 * before it reaches an output, a log or a file.
 */
export class SecretMasker {
  private readonly secrets = new Set<string>();

  /** Registers a secret; values shorter than 3 characters are masked too, but only as whole values. */
  add(secret: string | undefined | null): void {
    if (secret) this.secrets.add(secret);
  }

  mask(text: string): string {
    let out = text;
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) {
      out = out.split(s).join(MASK);
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
