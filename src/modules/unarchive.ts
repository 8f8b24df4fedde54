import { basename } from 'node:path';
import type { FactResults, ModuleDefinition, Plan, PlanContext } from './module.js';
import { readLocalFile } from './local-file.js';
import { ModuleArgs, paramNames } from './module-args.js';
import { unarchiveParams } from './params/unarchive.js';
import { listTarEntries, topLevelNames } from './tar-listing.js';
import { failPlan, planOrFail } from './plans.js';
import { pathExistsCommand, planGuardSkip } from './run-guards.js';
import { sha256Of } from './content-hash.js';
import { writeFileCommand } from './write-file-command.js';
import type { ExecResult } from '../transport/connection.js';
import { quoteArg, quoteArgv } from '../shell/quote.js';

/** Parameters of `unarchive`: a local .tar.gz unpacked into a directory on the host. */
export type UnarchiveParams = {
  /** Local path, relative to the playbook's directory (or its `files/`). */
  readonly src: string;
  /** A directory on the host; created (mkdir -p) when missing. */
  readonly dest: string;
  /** Skip when this path exists on the host. */
  readonly creates?: string;
  /** More `tar` options, e.g. `--strip-components=1`. */
  readonly extraOpts: readonly string[];
  /** Owner and group given to everything unpacked (chown -R on what the archive creates). */
  readonly owner?: string;
  readonly group?: string;
};

/** The marker that records which archive (by sha256) was unpacked into dest. */
export function markerPath(p: UnarchiveParams): string {
  return `${p.dest.replace(/\/+$/, '') || '/'}/.tpx-unarchive-${basename(p.src)}.sha256`;
}

export function normaliseUnarchive(raw: Readonly<Record<string, unknown>>): UnarchiveParams {
  const args = new ModuleArgs('unarchive', raw, paramNames(unarchiveParams, ['owner', 'group']));
  if (args.bool('remote_src', false)) throw args.error('remote_src is not supported; src must be a local .tar.gz archive', 'remote_src');
  return {
    src: args.requiredString('src'),
    dest: args.requiredString('dest'),
    creates: args.string('creates') || undefined,
    extraOpts: args.stringList('extra_opts') ?? [],
    owner: args.string('owner') || undefined,
    group: args.string('group') || undefined,
  };
}

/** One command: is dest a directory, what does the marker say, and (with creates) does that path exist. */
export function unarchiveFactCommand(p: UnarchiveParams): string {
  const creates = p.creates ? `; echo "tpx-creates $(${pathExistsCommand(p.creates)})"` : '';
  return `d=${quoteArg(p.dest)}; m=${quoteArg(markerPath(p))}; if [ -d "$d" ]; then echo tpx-dest-dir; else echo tpx-dest-missing; fi; if [ -f "$m" ]; then echo "tpx-marker $(cat < "$m")"; fi${creates}`;
}

/** The creates guard's answer, read from the one fact command, as the guard fact it replaces. */
function createsFact(fact: ExecResult): FactResults {
  const line = fact.stdout.split('\n').find((l) => l.startsWith('tpx-creates '));
  if (fact.rc !== 0 || line === undefined) return { creates: { ...fact, rc: fact.rc || 1 } };
  return { creates: { ...fact, stdout: `${line.slice('tpx-creates '.length)}\n` } };
}

async function planUnarchive(p: UnarchiveParams, facts: FactResults, ctx: PlanContext): Promise<Plan> {
  const fact = facts.dest;
  const skip = p.creates ? planGuardSkip(p, createsFact(fact)) : undefined;
  if (skip) return skip;
  if (fact.rc !== 0) return failPlan(`could not inspect ${p.dest}: ${fact.stderr.trim() || `exit code ${fact.rc}`}`);
  const lines = fact.stdout.split('\n');
  const local = await readLocalFile(p.src, ctx);
  if (local.content[0] !== 0x1f || local.content[1] !== 0x8b) return failPlan(`${local.path} is not a gzip-compressed tar archive (.tar.gz)`);
  const sha256 = sha256Of(local.content);
  const returns = { dest: p.dest, src: local.path, sha256 };
  const destMissing = lines.includes('tpx-dest-missing');
  if (!destMissing && !lines.includes('tpx-dest-dir')) return failPlan(`could not inspect ${p.dest}: ${fact.stdout.trim()}`, returns);
  const recorded = lines
    .find((l) => l.startsWith('tpx-marker '))
    ?.slice('tpx-marker '.length)
    .trim();
  if (recorded === sha256) return { changed: false, actions: [], msg: `${basename(p.src)} already unpacked in ${p.dest}`, returns };

  const chown = ownerCommand(p, local.content);
  const marker = writeFileCommand(markerPath(p), { mode: 0o644 }, `printf '%s\\n' ${sha256}`);
  const unpack = [`mkdir -p -- ${quoteArg(p.dest)}`, quoteArgv(['tar', '-xzf', '-', '-C', p.dest, ...p.extraOpts]), ...(chown ? [chown] : []), marker].join(
    ' && ',
  );
  const diff = ctx.diff
    ? `--- before: ${p.dest}\n+++ after: ${p.dest}\n-archive: ${recorded ?? '(none)'}\n+archive: ${sha256} (${basename(p.src)})\n`
    : undefined;
  return {
    changed: true,
    actions: [{ kind: 'exec', command: unpack, stdin: local.content, become: ctx.become }],
    // In check mode nothing is unpacked: say what would be.
    msg: `${basename(p.src)} ${ctx.check ? 'would be unpacked' : 'unpacked'} into ${p.dest}${destMissing ? (ctx.check ? ' (it would be created)' : ' (created)') : ''}`,
    diff,
    returns,
  };
}

/**
 * `chown -R` of what the archive creates in dest (its top-level names, read from the local
 * archive after --strip-components), or undefined without owner/group.
 */
export function ownerCommand(p: UnarchiveParams, archive: Buffer): string | undefined {
  if (p.owner === undefined && p.group === undefined) return undefined;
  const strip = p.extraOpts.map((o) => /^--strip-components=(\d+)$/.exec(o)).find(Boolean);
  const tops = topLevelNames(listTarEntries(archive), strip ? Number(strip[1]) : 0);
  if (tops.length === 0) return undefined;
  const who = p.owner !== undefined ? `${p.owner}${p.group !== undefined ? `:${p.group}` : ''}` : `:${p.group}`;
  const base = p.dest.replace(/\/+$/, '') || '/';
  return quoteArgv(['chown', '-R', '--', who, ...tops.map((t) => `${base}/${t}`)]);
}

/** `unarchive`: unpacks a local .tar.gz into a directory on the host, once per archive content. */
export const unarchiveModule: ModuleDefinition<UnarchiveParams> = {
  name: 'unarchive',
  params: unarchiveParams,
  normalise: normaliseUnarchive,
  facts: (p, ctx) => [{ key: 'dest', command: unarchiveFactCommand(p), become: ctx.become }],
  plan: (p, facts, ctx) => planOrFail(() => planUnarchive(p, facts, ctx)),
};
