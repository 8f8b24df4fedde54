import { basename } from 'node:path';
import type { FactResults, ModuleDefinition, OneTrip, Plan, PlanContext } from './module.js';
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
import { type ArchiveSource, readRemoteArchive, remoteArchiveCheck, remoteArchiveScript } from './unarchive-remote.js';

/** Parameters of `unarchive`: a local .tar.gz (or one on the host) unpacked into a directory on the host. */
export type UnarchiveParams = {
  /** Local path, relative to the playbook's directory (or its `files/`); with remoteSrc a path on the host. */
  readonly src: string;
  /** src is an archive on the host already (nothing is uploaded). */
  readonly remoteSrc: boolean;
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

/** Ansible's message when check mode skips an unarchive of a tar archive. */
export const CHECK_MODE_SKIP = 'remote module (unarchive) does not support check mode when using gtar';

/** The marker that records which archive (by sha256) was unpacked into dest. */
export function markerPath(p: UnarchiveParams): string {
  return `${p.dest.replace(/\/+$/, '') || '/'}/.tpx-unarchive-${basename(p.src)}.sha256`;
}

export function normaliseUnarchive(raw: Readonly<Record<string, unknown>>): UnarchiveParams {
  const args = new ModuleArgs('unarchive', raw, paramNames(unarchiveParams, ['owner', 'group']));
  if (args.has('copy') && args.has('remote_src')) throw args.error("parameters are mutually exclusive: ('copy', 'remote_src')", 'copy');
  // `copy: false` is Ansible's old way of saying remote_src: true.
  const remoteSrc = args.has('copy') ? !args.bool('copy', true) : args.bool('remote_src', false);
  const src = args.requiredString('src');
  if (remoteSrc && src.includes('://')) throw args.error(`src '${src}': a URL is not supported yet; get_url the archive to the host first`, 'src');
  return {
    src,
    remoteSrc,
    dest: args.requiredString('dest'),
    creates: args.string('creates') || undefined,
    extraOpts: args.stringList('extra_opts') ?? [],
    owner: args.string('owner') || undefined,
    group: args.string('group') || undefined,
  };
}

/** One command: is dest a directory, what does the marker say (read by the shell, no process), and (with creates) does that path exist. */
export function unarchiveFactCommand(p: UnarchiveParams): string {
  const creates = p.creates ? `; echo "tpx-creates $(${pathExistsCommand(p.creates)})"` : '';
  // A remote archive is read after the dest lines, in the same command (its check may exit).
  const source = p.remoteSrc ? `; ${remoteArchiveScript(p.src, p.owner !== undefined || p.group !== undefined)}` : '';
  return `d=${quoteArg(p.dest)}; m=${quoteArg(markerPath(p))}; if [ -d "$d" ]; then echo tpx-dest-dir; else echo tpx-dest-missing; fi; if [ -f "$m" ]; then IFS= read -r x < "$m" || :; echo "tpx-marker $x"; fi${creates}${source}`;
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
  // Ansible skips the task (status skipped) when creates exists.
  if (skip) return { ...skip, skipped: true };
  if (fact.rc !== 0) return failPlan(`could not inspect ${p.dest}: ${fact.stderr.trim() || `exit code ${fact.rc}`}`);
  const lines = fact.stdout.split('\n');
  const archive = p.remoteSrc ? readRemoteArchive(p.src, fact.stdout, fact.stderr) : await localArchive(p, ctx);
  if (typeof archive === 'string') return failPlan(archive);
  // Ansible 2.14 unpacks no tar archive in check mode: its tar handler skips the task, checked or not.
  if (ctx.check) return { changed: false, actions: [], skipped: true, msg: CHECK_MODE_SKIP };
  if (!archive.gzip) return failPlan(`${archive.path} is not a gzip-compressed tar archive (.tar.gz)`);
  const sha256 = archive.sha256;
  const returns = { dest: p.dest, src: archive.path, sha256 };
  const destMissing = lines.includes('tpx-dest-missing');
  if (!destMissing && !lines.includes('tpx-dest-dir')) return failPlan(`could not inspect ${p.dest}: ${fact.stdout.trim()}`, returns);
  const recorded = lines
    .find((l) => l.startsWith('tpx-marker '))
    ?.slice('tpx-marker '.length)
    .trim();
  if (recorded === sha256) return alreadyUnpacked(p, returns);

  const steps = unpackSteps(p, archive);
  // A remote archive is read only after the same check as its fact, in a subshell of its own.
  const unpack = archive.stdin ? steps : `(${remoteArchiveCheck(p.src)}${steps})`;
  const diff = ctx.diff
    ? `--- before: ${p.dest}\n+++ after: ${p.dest}\n-archive: ${recorded ?? '(none)'}\n+archive: ${sha256} (${basename(p.src)})\n`
    : undefined;
  return {
    changed: true,
    actions: [{ kind: 'exec', command: unpack, ...(archive.stdin ? { stdin: archive.stdin } : {}), become: ctx.become }],
    msg: unpackedMsg(p, destMissing),
    diff,
    returns,
  };
}

/** The plan when the marker names this archive: nothing to do. */
function alreadyUnpacked(p: UnarchiveParams, returns: Readonly<Record<string, unknown>>): Plan {
  return { changed: false, actions: [], msg: `${basename(p.src)} already unpacked in ${p.dest}`, returns };
}

/** The message of an unpack, `created` when dest had to be made first. */
function unpackedMsg(p: UnarchiveParams, created: boolean): string {
  return `${basename(p.src)} unpacked into ${p.dest}${created ? ' (created)' : ''}`;
}

/** Shell that makes dest when missing, unpacks the archive into it, chowns, then writes the marker: each step only after the last succeeded. */
function unpackSteps(p: UnarchiveParams, archive: ArchiveSource): string {
  const chown = ownerCommandFor(p, archive.entries());
  const marker = writeFileCommand(markerPath(p), { mode: 0o644 }, { line: archive.sha256 });
  const tar = `${quoteArgv(['tar', '-xzf', '-', '-C', p.dest, ...p.extraOpts])}${archive.stdin ? '' : ' < "$s"'}`;
  return [`{ [ -d ${quoteArg(p.dest)} ] || mkdir -p -- ${quoteArg(p.dest)}; }`, tar, ...(chown ? [chown] : []), marker].join(' && ');
}

/**
 * An archive this small goes with the command that decides whether to unpack it: sending it
 * costs less than the round trip a fact command takes (at 50 ms and 100 Mbit/s one round
 * trip carries ~600 KB), and a re-run sends it for nothing, as Ansible's unarchive always does.
 */
export const ONE_TRIP_MAX_BYTES = 256 * 1024;

const UNCHANGED = 'tpx-unarchive-unchanged';
const CREATED = 'tpx-unarchive-created';

/**
 * A local .tar.gz of at most ONE_TRIP_MAX_BYTES, without creates or --diff: one command reads
 * the marker, stops when it names this archive, else unpacks the archive from its stdin.
 */
async function unarchiveOneTrip(p: UnarchiveParams, ctx: PlanContext): Promise<OneTrip | undefined> {
  if (p.remoteSrc || p.creates || ctx.diff) return undefined;
  // A missing or unreadable archive fails the usual way, from the plan.
  const archive = await localArchive(p, ctx).catch(() => undefined);
  if (!archive) return undefined;
  if (!archive.gzip || archive.stdin === undefined || archive.stdin.length > ONE_TRIP_MAX_BYTES) return undefined;
  const returns = { dest: p.dest, src: archive.path, sha256: archive.sha256 };
  const name = basename(p.src);
  const command = [
    `d=${quoteArg(p.dest)}; m=${quoteArg(markerPath(p))}; x=''`,
    'if [ -f "$m" ]; then IFS= read -r x < "$m" || :; fi',
    `if [ "$x" = ${archive.sha256} ]; then echo ${UNCHANGED}; exit 0; fi`,
    `[ -d "$d" ] || echo ${CREATED}`,
    unpackSteps(p, archive),
  ].join('\n');
  return {
    command,
    stdin: archive.stdin,
    become: ctx.become,
    settle: (res) => {
      if (res.rc !== 0) {
        const last = res.stderr.trim().split('\n').pop() ?? '';
        return failPlan(`unpacking ${name} into ${p.dest} failed: exit code ${res.rc}${last ? `: ${last}` : ''}`, returns);
      }
      if (res.stdout.includes(UNCHANGED)) return alreadyUnpacked(p, returns);
      return { changed: true, actions: [], msg: unpackedMsg(p, res.stdout.includes(CREATED)), returns };
    },
  };
}

/** The local archive, read on the controller (once for all hosts) and streamed on stdin. */
async function localArchive(p: UnarchiveParams, ctx: PlanContext): Promise<ArchiveSource> {
  const local = await readLocalFile(p.src, ctx);
  const gzip = local.content[0] === 0x1f && local.content[1] === 0x8b;
  return {
    path: local.path,
    sha256: sha256Of(local.content),
    gzip,
    entries: () => (gzip && (p.owner !== undefined || p.group !== undefined) ? listTarEntries(local.content) : []),
    stdin: local.content,
  };
}

/**
 * `chown -R` of what the archive creates in dest (its top-level names, read from the local
 * archive after --strip-components), or undefined without owner/group.
 */
export function ownerCommand(p: UnarchiveParams, archive: Buffer): string | undefined {
  return ownerCommandFor(p, p.owner === undefined && p.group === undefined ? [] : listTarEntries(archive));
}

/** ownerCommand for an archive's entry names. */
export function ownerCommandFor(p: UnarchiveParams, entries: readonly string[]): string | undefined {
  if (p.owner === undefined && p.group === undefined) return undefined;
  const strip = p.extraOpts.map((o) => /^--strip-components=(\d+)$/.exec(o)).find(Boolean);
  const tops = topLevelNames(entries, strip ? Number(strip[1]) : 0);
  if (tops.length === 0) return undefined;
  const who = p.owner !== undefined ? `${p.owner}${p.group !== undefined ? `:${p.group}` : ''}` : `:${p.group}`;
  const base = p.dest.replace(/\/+$/, '') || '/';
  return quoteArgv(['chown', '-R', '--', who, ...tops.map((t) => `${base}/${t}`)]);
}

/** `unarchive`: unpacks a local .tar.gz (or, with remote_src, one on the host) into a directory on the host, once per archive content. */
export const unarchiveModule: ModuleDefinition<UnarchiveParams> = {
  name: 'unarchive',
  params: unarchiveParams,
  normalise: normaliseUnarchive,
  facts: (p, ctx) => [{ key: 'dest', command: unarchiveFactCommand(p), become: ctx.become }],
  oneTrip: (p, ctx) => unarchiveOneTrip(p, ctx),
  plan: (p, facts, ctx) => planOrFail(() => planUnarchive(p, facts, ctx)),
};
