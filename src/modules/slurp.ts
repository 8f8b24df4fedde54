import { quoteArg } from '../shell/quote.js';
import { formatBytes, parseByteSize } from '../transport/byte-size.js';
import { DEFAULT_OUTPUT_LIMIT, OUTPUT_LIMIT_VAR } from '../transport/output-capture.js';
import type { ExecResult } from '../transport/connection.js';
import { ModuleArgs, paramNames } from './module-args.js';
import type { ModuleDefinition, Plan, PlanContext } from './module.js';
import { slurpParams } from './params/slurp.js';
import { failPlan, planOrFail } from './plans.js';

/** Parameters of `slurp`. */
export type SlurpParams = { readonly src: string };

const MARK = 'tpx-slurp';

export function normaliseSlurp(raw: Readonly<Record<string, unknown>>): SlurpParams {
  const args = new ModuleArgs('slurp', raw, paramNames(slurpParams), { path: 'src' });
  return { src: args.requiredString('src') };
}

/**
 * Most bytes of a file slurp returns: its base64 (4 bytes for 3) must fit in the task's
 * output limit (`tpx_output_limit`, default 1 MiB), so a huge file is refused, never held.
 */
export function slurpMaxBytes(vars: Readonly<Record<string, unknown>>): number {
  const limit = parseByteSize(vars[OUTPUT_LIMIT_VAR]) ?? DEFAULT_OUTPUT_LIMIT;
  return Math.max(0, Math.floor(((limit - 256) * 3) / 4 / 3) * 3);
}

/**
 * One read-only command: what the path is (Ansible opens it, so a link is followed), then, for
 * a readable file of at most `max` bytes, its content in base64 on one line. Reads no more
 * than max + 1 bytes, so a file that grows meanwhile is noticed, not read whole. Anything but a
 * regular file (a FIFO, a device, a socket) is refused before it is opened: opening a FIFO
 * would wait for a writer forever.
 */
export function slurpCommand(src: string, max: number): string {
  return [
    `p=${quoteArg(src)}`,
    `if [ -d "$p" ]; then echo ${MARK} directory; exit 0; fi`,
    `if [ ! -e "$p" ]; then echo ${MARK} absent; exit 0; fi`,
    `if [ ! -f "$p" ]; then k=special; if [ -p "$p" ]; then k=fifo; elif [ -S "$p" ]; then k=socket; elif [ -c "$p" ] || [ -b "$p" ]; then k=device; fi; echo ${MARK} "$k"; exit 0; fi`,
    `if [ ! -r "$p" ]; then echo ${MARK} unreadable; exit 0; fi`,
    `s=$(wc -c < "$p") || exit 1; if [ "$s" -gt ${max} ]; then echo ${MARK} large "$s"; exit 0; fi`,
    `echo ${MARK} ok`,
    `head -c ${max + 1} < "$p" | base64 | tr -d '\\n'`,
  ].join('; ');
}

function planSlurp(p: SlurpParams, fact: ExecResult, ctx: PlanContext): Plan {
  const max = slurpMaxBytes(ctx.vars);
  const at = fact.stdout.startsWith(`${MARK} `) ? 0 : fact.stdout.indexOf(`\n${MARK} `) + 1;
  if (fact.rc !== 0 || (at === 0 && !fact.stdout.startsWith(`${MARK} `))) {
    throw new Error(`unable to slurp file: ${fact.stderr.trim() || `exit code ${fact.rc}`}`);
  }
  const eol = fact.stdout.indexOf('\n', at);
  const [, what, size] = fact.stdout.slice(at, eol < 0 ? undefined : eol).split(' ');
  const tooLarge = (bytes: string): string =>
    `${p.src} is ${bytes} bytes; slurp returns files of up to ${formatBytes(max)} (base64 within ${OUTPUT_LIMIT_VAR}); raise it for this task (vars: { ${OUTPUT_LIMIT_VAR}: 16M })`;
  switch (what) {
    case 'directory':
      return failPlan(`source is a directory and must be a file: ${p.src}`);
    case 'absent':
      return failPlan(`file not found: ${p.src}`);
    case 'unreadable':
      return failPlan(`file is not readable: ${p.src}`);
    case 'large':
      return failPlan(tooLarge(size));
    case 'fifo':
    case 'socket':
    case 'device':
    case 'special':
      return failPlan(`source is ${what === 'special' ? 'not a regular file' : `a ${what}`} and must be a regular file: ${p.src}`);
  }
  const content = eol < 0 ? '' : fact.stdout.slice(eol + 1).trim();
  if ((fact.stdoutDropped ?? 0) > 0 || Buffer.byteLength(content, 'base64') > max) return failPlan(tooLarge(`more than ${max}`));
  return { changed: false, actions: [], returns: { content, source: p.src, encoding: 'base64' } };
}

/** `slurp`: a file's content from the host, base64-encoded, bounded by the task's output limit. */
export const slurpModule: ModuleDefinition<SlurpParams> = {
  name: 'slurp',
  params: slurpParams,
  normalise: normaliseSlurp,
  facts: (p, ctx) => [{ key: 'file', command: slurpCommand(p.src, slurpMaxBytes(ctx.vars)), become: ctx.become }],
  plan: (p, facts, ctx) => planOrFail(() => planSlurp(p, facts.file, ctx)),
};
