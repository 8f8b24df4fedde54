/**
 * Sizes of output as people read and write them, in binary units: `512 bytes`, `1.0 MiB`;
 * `tpx_output_limit: 4M` (also `4MiB`, `4m`, `4194304`).
 */

const UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'] as const;
const FACTORS: Readonly<Record<string, number>> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** `512 bytes`, `1.0 KiB`, `94.4 MiB`. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/**
 * A size written as a whole number of bytes or a number with a binary unit (`k`, `M`, `G`,
 * optionally followed by `iB` or `B`, any case); undefined when it is none of those.
 */
export function parseByteSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:([kmg])(?:i?b)?|b|bytes)?\s*$/i.exec(value);
  if (!m) return undefined;
  const bytes = Math.floor(Number(m[1]) * FACTORS[(m[2] ?? '').toLowerCase()]);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}
