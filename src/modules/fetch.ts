import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, normalize } from 'node:path';
import { quoteArg } from '../shell/quote.js';
import { formatBytes } from '../transport/byte-size.js';
import type { ExecResult } from '../transport/connection.js';
import { OUTPUT_LIMIT_VAR } from '../transport/output-capture.js';
import { FetchFailure, checkInside, makeDirs, md5Of, readLocalState, sha1Of, writeCopy } from './fetch-local.js';
import { ModuleArgs, paramNames } from './module-args.js';
import type { ModuleDefinition, Plan, PlanContext } from './module.js';
import { fetchParams } from './params/fetch.js';
import { failPlan } from './plans.js';
import { slurpMaxBytes } from './slurp.js';

/** Parameters of `fetch`. */
export type FetchParams = {
  readonly src: string;
  readonly dest: string;
  readonly flat: boolean;
  readonly failOnMissing: boolean;
  readonly validateChecksum: boolean;
};

const MARK = 'tpx-fetch';

export function normaliseFetch(raw: Readonly<Record<string, unknown>>): FetchParams {
  const args = new ModuleArgs('fetch', raw, paramNames(fetchParams));
  if (!args.string('src') || !args.string('dest')) throw args.error('src and dest are required', args.string('src') ? 'dest' : 'src');
  return {
    src: args.requiredString('src'),
    dest: args.requiredString('dest'),
    flat: args.bool('flat', false),
    failOnMissing: args.bool('fail_on_missing', true),
    validateChecksum: args.bool('validate_checksum', true),
  };
}

/**
 * One read-only command on the host: what src is (a link followed), the sha1 the host computes
 * for a regular file (Ansible's remote checksum), the login shell's $HOME (for a `~` path), then
 * the content in base64, no more than max + 1 bytes of it.
 */
export function fetchCommand(src: string, max: number): string {
  const path = src === '~' || src.startsWith('~/') ? `"$HOME"${quoteArg(src.slice(1) || '/')}` : quoteArg(src);
  return [
    `p=${path}`,
    `h=$(printf %s "$HOME" | base64 | tr -d '\\n')`,
    `if [ -d "$p" ]; then echo ${MARK} directory - "$h"; exit 0; fi`,
    `if [ ! -e "$p" ]; then echo ${MARK} absent - "$h"; exit 0; fi`,
    `if [ ! -r "$p" ]; then echo ${MARK} unreadable - "$h"; exit 0; fi`,
    'c=-',
    `if [ -f "$p" ]; then s=$(wc -c < "$p") || exit 1; if [ "$s" -gt ${max} ]; then echo ${MARK} large "$s" "$h"; exit 0; fi; c=$(sha1sum < "$p" 2>/dev/null) && c=\${c%% *} || c=-; fi`,
    `echo ${MARK} ok "$c" "$h"`,
    `head -c ${max + 1} < "$p" | base64 | tr -d '\\n'`,
  ].join('; ');
}

/** The host's answer: what src is, its sha1 there (undefined when not computed), $HOME, the content. */
interface HostAnswer {
  readonly what: string;
  readonly field: string;
  readonly home: string;
  readonly content: string;
}

function readAnswer(fact: ExecResult): HostAnswer {
  const at = fact.stdout.startsWith(`${MARK} `) ? 0 : fact.stdout.indexOf(`\n${MARK} `) + 1;
  if (fact.rc !== 0 || (at === 0 && !fact.stdout.startsWith(`${MARK} `))) {
    throw new FetchFailure(`unable to read the file: ${fact.stderr.trim() || `exit code ${fact.rc}`}`);
  }
  const eol = fact.stdout.indexOf('\n', at);
  const [, what = '', field = '-', home = ''] = fact.stdout.slice(at, eol < 0 ? undefined : eol).split(' ');
  const content = eol < 0 ? '' : fact.stdout.slice(eol + 1).trim();
  return { what, field, home: Buffer.from(home, 'base64').toString('utf8'), content };
}

/** Ansible's results for a src that is not there, not readable or a directory. */
function missingPlan(p: FetchParams, what: string, become: boolean): Plan {
  const ignored = { changed: false, actions: [], returns: { file: p.src } };
  if (what === 'absent') {
    const msg = 'the remote file does not exist, not transferring, ignored';
    return p.failOnMissing ? failPlan(msg) : { ...ignored, msg };
  }
  if (what === 'unreadable') return p.failOnMissing ? failPlan(`file is not readable: ${p.src}`) : ignored;
  const msg = 'remote file is a directory, fetch cannot work on directories';
  if (p.failOnMissing) return failPlan(msg);
  // Without become Ansible stats first and answers so; with become it learns it from slurp.
  return become ? { ...ignored, msg } : { changed: false, actions: [], msg: `${msg}, not transferring, ignored` };
}

/** Ansible's path_dwim: `~` expanded, a relative path from the playbook's directory. */
function localPath(path: string, ctx: PlanContext): string {
  const expanded = path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
  return normalize(isAbsolute(expanded) ? expanded : join(ctx.playbookDir, expanded));
}

/** Where the copy goes, and the directory it must stay in. */
function copyPath(p: FetchParams, remotePath: string, ctx: PlanContext): { dest: string; root: string } {
  if (!p.flat) {
    const root = localPath(p.dest, ctx);
    return { dest: normalize(`${root}/${ctx.host}/${remotePath}`), root: join(root, ctx.host) };
  }
  const dest = localPath(p.dest, ctx);
  if (!p.dest.endsWith('/')) return { dest, root: dirname(dest) };
  return { dest: normalize(join(dest, basename(remotePath))), root: dest };
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (st) => st.isDirectory(),
    () => false,
  );
}

async function planFetch(p: FetchParams, fact: ExecResult, ctx: PlanContext): Promise<Plan> {
  const max = slurpMaxBytes(ctx.vars);
  const answer = readAnswer(fact);
  const tooLarge = (bytes: string): Plan =>
    failPlan(
      `${p.src} is ${bytes} bytes; fetch copies files of up to ${formatBytes(max)} (base64 within ${OUTPUT_LIMIT_VAR}); raise it for this task (vars: { ${OUTPUT_LIMIT_VAR}: 16M })`,
    );
  if (answer.what === 'large') return tooLarge(answer.field);
  if (answer.what !== 'ok') return missingPlan(p, answer.what, ctx.become);
  const data = Buffer.from(answer.content, 'base64');
  if ((fact.stdoutDropped ?? 0) > 0 || data.length > max) return tooLarge(`more than ${max}`);

  const remotePath = p.src === '~' || p.src.startsWith('~/') ? `${answer.home}${p.src.slice(1)}` : p.src;
  const { dest, root } = copyPath(p, remotePath, ctx);
  if (p.flat && !p.dest.endsWith('/') && (await isDirectory(dest))) {
    throw new FetchFailure('dest is an existing directory, use a trailing slash if you want to fetch src into that directory');
  }
  await checkInside(root, dest);
  const remoteChecksum = answer.field === '-' ? sha1Of(data) : answer.field;
  const local = await readLocalState(dest);
  if (local.kind === 'other') {
    if (local.what === 'link') throw new FetchFailure(`${dest} is a symbolic link; fetch does not follow links on the controller`);
    throw new FetchFailure(`Failed to fetch the file: ${dest} is a ${local.what === 'directory' ? 'directory' : 'special file'}`);
  }
  if (local.kind === 'file' && local.sha1 === remoteChecksum) {
    return { changed: false, actions: [], returns: { md5sum: local.md5, file: p.src, dest, checksum: local.sha1 } };
  }
  await makeDirs(dirname(dest));
  await writeCopy(dest, data, local.kind === 'file' ? local.mode : undefined);
  const checksum = sha1Of(data);
  const sums = { md5sum: md5Of(data), dest, remote_md5sum: null, checksum, remote_checksum: remoteChecksum };
  if (p.validateChecksum && checksum !== remoteChecksum) return failPlan('checksum mismatch', { ...sums, file: p.src });
  return { changed: true, actions: [], returns: sums };
}

/**
 * `fetch`: one read of the file on the host (bounded by tpx_output_limit), the copy written on
 * the controller. Skipped in check mode, without touching the host, as Ansible does.
 */
export const fetchModule: ModuleDefinition<FetchParams> = {
  name: 'fetch',
  params: fetchParams,
  normalise: normaliseFetch,
  facts: (p, ctx) => (ctx.check ? [] : [{ key: 'file', command: fetchCommand(p.src, slurpMaxBytes(ctx.vars)), become: ctx.become }]),
  plan: async (p, facts, ctx) => {
    if (ctx.check) return { changed: false, actions: [], skipped: true, msg: 'check mode not (yet) supported for this module' };
    try {
      return await planFetch(p, facts.file, ctx);
    } catch (error) {
      if (error instanceof FetchFailure) return failPlan(error.message);
      return failPlan(`Failed to fetch the file: ${error instanceof Error ? error.message : String(error)}`);
    }
  },
};
