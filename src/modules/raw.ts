import { quoteArg } from '../shell/quote.js';
import { planCommandLike } from './command.js';
import { expandFreeForm } from './free-form.js';
import { ModuleArgs, paramNames } from './module-args.js';
import type { ModuleDefinition } from './module.js';
import { rawParams } from './params/raw.js';

/** Parameters of `raw`: a command line sent as it is, and the shell to run it with. */
export type RawParams = { readonly cmd: string; readonly executable?: string };

/**
 * The free form is the command; of Ansible's inline options only `executable=` means
 * something to raw (as Ansible's parser takes it out of a raw line).
 */
export function normaliseRaw(raw: Readonly<Record<string, unknown>>): RawParams {
  const free = expandFreeForm(raw, ['executable']);
  const args = new ModuleArgs('raw', free.args, paramNames(rawParams));
  const cmd = free.rest ?? '';
  if (cmd.trim() === '') throw args.error('no command given (raw takes a free-form command line)');
  const executable = args.string('executable') || undefined;
  return executable === undefined ? { cmd } : { cmd, executable };
}

/** What goes to the host: the line itself, or `EXECUTABLE -c LINE` (Ansible's `executable`). */
export function rawCommandLine(p: RawParams): string {
  return p.executable === undefined ? p.cmd : `exec ${quoteArg(p.executable)} -c ${quoteArg(p.cmd)}`;
}

/** `raw`: a command line run as it is; changed whenever it runs, failed on a non-zero rc, skipped in check mode. */
export const rawModule: ModuleDefinition<RawParams> = {
  name: 'raw',
  params: rawParams,
  normalise: normaliseRaw,
  plan: (p, facts, ctx) => planCommandLike(rawCommandLine(p), {}, facts, ctx, {}),
};
