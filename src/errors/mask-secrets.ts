/** What a secret is replaced with. */
export const SECRET_MASK = '********';

/**
 * Shortest line `addValue` registers. Shorter ones ("", "0", "ok", "yes", a letter) turn up
 * all over any output: masking them would garble every later line while hiding nothing.
 */
export const MIN_MASKED_VALUE_LENGTH = 4;

/** As common as the short ones: booleans and nulls as commands and templates print them. */
const TOO_COMMON = new Set(['true', 'false', 'none', 'null']);

/** Whether a line of a secret value is worth masking: long enough, and not a boolean or null word. */
export function isMaskableValue(text: string): boolean {
  return text.length >= MIN_MASKED_VALUE_LENGTH && !TOO_COMMON.has(text.toLowerCase());
}

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

  /**
   * Registers a value that holds a secret (a decrypted vault value): the whole value and each
   * of its lines, trimmed, those that pass isMaskableValue.
   */
  addValue(value: string): void {
    const trimmed = value.trim();
    if (isMaskableValue(trimmed)) this.add(trimmed);
    if (!/[\r\n]/.test(trimmed)) return;
    for (const line of trimmed.split(/\r?\n/)) {
      const text = line.trim();
      if (isMaskableValue(text)) this.add(text);
    }
  }

  mask(text: string): string {
    this.ordered ??= [...this.secrets].sort((a, b) => b.length - a.length);
    let out = text;
    for (const s of this.ordered) {
      if (out.includes(s)) out = out.split(s).join(SECRET_MASK);
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
