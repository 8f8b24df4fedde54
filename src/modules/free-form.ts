import { extractInlineOptions } from './split-args.js';

/** Module arguments with Ansible's free-form line taken apart. */
export interface FreeFormArgs {
  /** The arguments without `_raw_params`, inline `key=value` options merged in (explicit ones win). */
  readonly args: Record<string, unknown>;
  /** The free-form line without its inline options; undefined when there was none. */
  readonly rest?: string;
}

/**
 * Expands `_raw_params`, Ansible's name for a free-form module line (`command: chdir=/tmp ls`):
 * words `key=value` whose key is one of `inlineKeys` become options, the rest is the command.
 */
export function expandFreeForm(raw: Readonly<Record<string, unknown>>, inlineKeys: readonly string[]): FreeFormArgs {
  const { _raw_params: line, ...args } = raw;
  if (line === undefined || line === null) return { args };
  const { options, rest } = extractInlineOptions(String(line), inlineKeys);
  return { args: { ...options, ...args }, rest };
}
