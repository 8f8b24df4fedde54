import { randomInt } from 'node:crypto';
import { quoteArg } from '../shell/quote.js';
import { OUTPUT_LIMIT_VAR } from '../transport/output-capture.js';
import { CronTab, cronJobLine, stripBreaks } from './cron-tab.js';
import { ModuleArgs, paramNames } from './module-args.js';
import type { Action, FactResults, ModuleDefinition, Plan, PlanContext } from './module.js';
import { cronParams } from './params/cron.js';
import { failPlan, planOrFail } from './plans.js';
import { keptAttributes, metaOf } from './sysctl.js';
import { editedPathRead, untrustedRefusal, writeFileCommand } from './write-file-command.js';
import { unifiedDiff } from './unified-diff.js';
import { accountName } from './user-names.js';

/** Parameters of `cron`. */
export interface CronParams {
  readonly name: string;
  readonly user?: string;
  readonly job?: string;
  /** The cron file's path as given (returned as is), and where it is (/etc/cron.d/NAME for a bare name). */
  readonly cronFile?: string;
  readonly cronPath?: string;
  readonly state: 'present' | 'absent';
  readonly backup: boolean;
  readonly minute: string;
  readonly hour: string;
  readonly day: string;
  readonly month: string;
  readonly weekday: string;
  readonly specialTime?: string;
  readonly disabled: boolean;
  readonly env: boolean;
  readonly insertafter?: string;
  readonly insertbefore?: string;
  /** A combination Ansible refuses on the host (its message, word for word): the task fails without running anything. */
  readonly refusal?: string;
}

const SPECIAL = ['reboot', 'yearly', 'annually', 'monthly', 'weekly', 'daily', 'hourly'];

/** Ansible's refusals, in its order, as messages. */
function refusalOf(p: Omit<CronParams, 'refusal'>): string | undefined {
  if (p.cronFile === '/etc/crontab') return 'Will not manage /etc/crontab via cron_file, see documentation.';
  if (p.specialTime !== undefined && [p.minute, p.hour, p.day, p.month, p.weekday].some((f) => f !== '*')) {
    return 'You must specify time and date fields or special time.';
  }
  if (p.state === 'present') {
    if (p.cronFile !== undefined && p.user === undefined) return 'To use cron_file=... parameter you must specify user=... as well';
    if (p.job === undefined) return "You must specify 'job' to install a new cron job or variable";
    if ((p.insertafter !== undefined || p.insertbefore !== undefined) && !p.env) return 'Insertafter and insertbefore parameters are valid only with env=yes';
  }
  if (p.env && p.name.includes(' ')) return 'Invalid name for environment variable';
  return undefined;
}

/**
 * The first character of `text` that would end a crontab line as the crontab is read back
 * (Python's splitlines: \n \r \v \f \x1c-\x1e \x85 U+2028 U+2029), or another control
 * character (C0 but tab, DEL, C1); undefined when there is none.
 */
export function lineBreaking(text: string): string | undefined {
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if ((c < 0x20 && c !== 0x09) || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029) return ch;
  }
  return undefined;
}

/** Refuses a value that would break out of its crontab line (a later run would read a line of its own: a job). */
function oneCronLine(args: ModuleArgs, key: string, value: string | undefined): void {
  const ch = value === undefined ? undefined : lineBreaking(value);
  if (ch === undefined) return;
  const code = `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  throw args.error(
    `'${key}' cannot hold ${code}: a line break or control character would end its crontab line, and what follows would be read as a line of its own (a job) on the next run; remove it`,
    key,
  );
}

export function normaliseCron(raw: Readonly<Record<string, unknown>>): CronParams {
  const args = new ModuleArgs('cron', raw, paramNames(cronParams), { value: 'job', dom: 'day', dow: 'weekday' });
  const name = args.requiredString('name');
  const user = args.string('user');
  if (args.has('insertafter') && args.has('insertbefore')) throw args.error('parameters are mutually exclusive: insertafter|insertbefore', 'insertbefore');
  const cronFile = args.string('cron_file');
  if (cronFile !== undefined && /[\n\0]/.test(cronFile)) throw args.error("'cron_file' cannot hold a newline", 'cron_file');
  const specialTime = args.has('special_time') ? args.oneOf('special_time', SPECIAL, 'daily') : undefined;
  const env = args.bool('env', false);
  for (const key of ['name', 'minute', 'hour', 'day', 'month', 'weekday', 'insertafter', 'insertbefore']) oneCronLine(args, key, args.string(key));
  // A job's leading and trailing \r and \n are dropped (as Ansible does); a variable's value is written as it is.
  const job = args.string('job');
  oneCronLine(args, 'job', env || job === undefined ? job : stripBreaks(job));
  const p = {
    name,
    user: user === undefined ? undefined : accountName(args, 'user', user),
    job,
    cronFile,
    cronPath: cronFile === undefined ? undefined : cronFile.startsWith('/') ? cronFile : `/etc/cron.d/${cronFile}`,
    state: args.oneOf('state', ['present', 'absent'], 'present'),
    backup: args.bool('backup', false),
    minute: args.string('minute') ?? '*',
    hour: args.string('hour') ?? '*',
    day: args.string('day') ?? '*',
    month: args.string('month') ?? '*',
    weekday: args.string('weekday') ?? '*',
    specialTime,
    disabled: args.bool('disabled', false),
    env,
    insertafter: args.string('insertafter'),
    insertbefore: args.string('insertbefore'),
  } as const;
  const refusal = refusalOf(p);
  return refusal === undefined ? p : { ...p, refusal };
}

/** `crontab` for the user: `-u USER` unless the task already runs as that user (as Ansible does). */
const crontabFor = (user: string | undefined, rest: string): string =>
  user === undefined ? `crontab ${rest}` : `if [ "$(id -un)" = ${quoteArg(user)} ]; then crontab ${rest}; else crontab -u ${quoteArg(user)} ${rest}; fi`;

/**
 * The fact: `rc N` then the crontab (crontab -l; 1 means none) or the cron file (`meta MODE
 * UID:GID`, then `rc 0` and its content, or `rc missing` when there is none). The cron file is
 * read only after the walk root writes by, where it checked it (editedPathRead): another
 * user's link on its way, or their link or file at its name in a world-writable directory, is
 * refused (exit 1, the reason on stderr), never followed.
 */
export function cronFactCommand(p: CronParams): string {
  if (p.cronPath === undefined) {
    return [`c=$(${crontabFor(p.user, '-l')} 2>/dev/null; echo ".$?")`, 'printf \'rc %s\\n\' "${c##*.}"', 'printf \'%s\' "${c%.*}"'].join('\n');
  }
  return [
    `${editedPathRead(p.cronPath)}:`,
    // Only the file opened where the walk checked it (pin): nothing that appeared since.
    `{ [ -n "$pin" ] && ${metaOf('"$p"')}; } || :`,
    `if [ -n "$pin" ] && c=$(cat -- "$p"; echo .); then echo "rc 0"; printf '%s' "\${c%.}"; else echo "rc missing"; fi`,
  ].join('\n');
}

/** A name for the backup as Python's mkstemp(prefix='crontab') makes them in /tmp: 8 random characters. */
export function backupPath(): string {
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789_';
  return `/tmp/crontab${Array.from({ length: 8 }, () => chars[randomInt(chars.length)]).join('')}`;
}

/**
 * Writes the backup, made only when the crontab is about to change (nothing is left in /tmp
 * when the task fails or changes nothing): a new file only (noclobber, 0600); one there already
 * (another user's, or a link) is refused, never written through.
 */
function saveBackupAction(path: string, content: string, become: boolean): Action {
  const f = quoteArg(path);
  return {
    kind: 'exec',
    command: `umask 077; set -C; if [ -e ${f} ] || [ -L ${f} ]; then echo ${f}' is there already: not overwritten' >&2; exit 1; fi; cat > ${f}`,
    stdin: content,
    become,
    display: `back up the crontab to ${path}`,
  };
}

const header = (p: CronParams): string => p.cronPath ?? (p.user !== undefined ? `crontab for user "${p.user}"` : 'crontab');

/** Edits the crontab as Ansible's cron module decides; undefined `failed` means it went well. */
function edit(p: CronParams, tab: CronTab): { changed: boolean; failed?: string; removeFile?: boolean } {
  const job = p.job ?? '';
  if (p.env) {
    const decl = `${p.name}="${job}"`;
    const old = tab.findEnv(p.name);
    if (p.state === 'present') {
      if (!old) {
        if (!tab.addEnv(decl, p.insertafter, p.insertbefore))
          return { changed: false, failed: `Variable named '${p.insertafter ?? p.insertbefore}' not found.` };
        return { changed: true };
      }
      if (old[1] !== decl) {
        tab.updateEnv(p.name, decl);
        return { changed: true };
      }
      return { changed: false };
    }
    if (!old) return { changed: false };
    tab.updateEnv(p.name, undefined);
    return { changed: true };
  }
  if (p.state === 'present') {
    const line = cronJobLine(p, job, p.cronPath !== undefined ? p.user : undefined);
    const old = tab.findJob(p.name, line);
    let changed = false;
    if (old.length === 0) {
      tab.addJob(p.name, line);
      changed = true;
    }
    if ((old.length > 0 && old[1] !== line) || old.length > 2) {
      tab.updateJob(p.name, line);
      changed = true;
    }
    return { changed };
  }
  if (tab.findJob(p.name).length === 0) return { changed: false };
  tab.updateJob(p.name, undefined);
  return { changed: true, removeFile: p.cronPath !== undefined && tab.isEmpty() };
}

export function planCron(p: CronParams, facts: FactResults, ctx: Pick<PlanContext, 'check' | 'diff' | 'become'>): Plan {
  if (p.refusal !== undefined) return failPlan(p.refusal);
  const fact = facts.cron;
  const refused = untrustedRefusal(fact);
  if (refused !== undefined) throw new Error(refused);
  const what = p.cronPath ?? (p.user !== undefined ? `the crontab of ${p.user}` : 'the crontab');
  // A crontab cut at the output limit would be written back cut.
  if ((fact.stdoutDropped ?? 0) > 0) {
    throw new Error(`${what} is larger than ${OUTPUT_LIMIT_VAR} keeps; raise it for this task (vars: { ${OUTPUT_LIMIT_VAR}: 16M })`);
  }
  const out = fact.stdout;
  const metaMatch = /^meta (.*)\n/.exec(out);
  const rest = metaMatch ? out.slice(metaMatch[0].length) : out;
  const rcMatch = /^rc (\S+)\n/.exec(rest);
  if (!rcMatch) throw new Error(`could not read ${what} on the host: ${fact.stderr.trim() || `exit code ${fact.rc}`}`);
  const rc = rcMatch[1];
  if (p.cronPath === undefined && rc !== '0' && rc !== '1') return failPlan('Unable to read crontab');
  const text = rest.slice(rcMatch[0].length);
  const tab = new CronTab(text, p.cronPath === undefined);
  const before = tab.existing;
  const backup = p.backup && !ctx.check ? backupPath() : undefined;
  const saveBackup: Action[] = backup !== undefined ? [saveBackupAction(backup, tab.render(), ctx.become)] : [];

  const result = edit(p, tab);
  if (result.failed !== undefined) return failPlan(result.failed);
  const fileReturn = p.cronFile !== undefined ? { cron_file: p.cronFile } : {};
  if (result.removeFile && p.cronPath !== undefined) {
    const removed = rc !== 'missing';
    const diff = ctx.diff ? { diff: unifiedDiff(before, '', { fromLabel: header(p), toLabel: '/dev/null' }) } : {};
    return {
      changed: removed,
      actions: [...saveBackup, { kind: 'exec', command: `rm -f -- ${quoteArg(p.cronPath)}`, become: ctx.become }],
      returns: { ...fileReturn, state: p.state },
      ...diff,
    };
  }
  // A crontab without a newline at its end is rewritten even when nothing else changes.
  const changed = result.changed || (before !== '' && !/[\r\n]$/.test(before));
  const returns: Record<string, unknown> = { jobs: tab.jobNames(), envs: tab.envNames(), warnings: warningsOf(p), ...fileReturn };
  if (!changed) return { changed, actions: [], returns };
  const after = tab.render();
  const write: Action =
    p.cronPath !== undefined
      ? {
          kind: 'exec',
          command: writeFileCommand(p.cronPath, keptAttributes(metaMatch?.[1])),
          stdin: after,
          become: ctx.become,
          display: `write ${p.cronPath}`,
        }
      : {
          kind: 'exec',
          command: crontabFor(p.user, '-'),
          stdin: after,
          become: ctx.become,
          display: `crontab ${p.user !== undefined ? `-u ${p.user} ` : ''}-`,
          onFailure: { msg: '{stderr}\n' },
        };
  return {
    changed,
    actions: [...saveBackup, write],
    returns: { ...returns, ...(backup !== undefined ? { backup_file: backup } : {}) },
    ...(ctx.diff ? { diff: unifiedDiff(before, after, { fromLabel: header(p), toLabel: header(p) }) } : {}),
  };
}

function warningsOf(p: CronParams): string[] {
  const warnings: string[] = [];
  if (p.cronFile !== undefined) {
    const base = p.cronFile.split('/').pop() ?? '';
    if (!/^[A-Z0-9_-]+$/i.test(base)) {
      warnings.push(`Filename portion of cron_file ("${base}") should consist solely of upper- and lower-case letters, digits, underscores, and hyphens`);
    }
  }
  return warnings;
}

/**
 * `cron`: reads the user's crontab (crontab -l) or the cron file, edits its lines as Ansible's
 * cron module does (jobs under `#Ansible: NAME` marks, variables as NAME="value"), and writes
 * it back with `crontab -` (on stdin) or by replacing the file.
 */
export const cronModule: ModuleDefinition<CronParams> = {
  name: 'cron',
  params: cronParams,
  normalise: normaliseCron,
  facts: (p, ctx) => (p.refusal !== undefined ? [] : [{ key: 'cron', command: cronFactCommand(p), become: ctx.become }]),
  plan: (p, facts, ctx) => planOrFail(() => planCron(p, facts, ctx)),
};
