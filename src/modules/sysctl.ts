import { quoteArg, quoteArgv } from '../shell/quote.js';
import { OUTPUT_LIMIT_VAR } from '../transport/output-capture.js';
import { ModuleArgs, paramNames, toBool } from './module-args.js';
import type { Action, FactResults, ModuleDefinition, Plan, PlanContext } from './module.js';
import { sysctlParams } from './params/sysctl.js';
import { planOrFail } from './plans.js';
import { editedPathRead, untrustedRefusal, type WrittenFile, writeFileCommand } from './write-file-command.js';

/** Parameters of `sysctl`. */
export interface SysctlParams {
  readonly name: string;
  /** '' with state absent and no value. */
  readonly value: string;
  readonly state: 'present' | 'absent';
  readonly reload: boolean;
  readonly sysctlSet: boolean;
  readonly ignoreErrors: boolean;
  readonly sysctlFile: string;
}

/**
 * A sysctl key: words separated by dots, or by slashes (then a word may hold dots, as
 * interface names do: net/ipv4/conf/eth0.100/rp_filter); never an `=` or a blank, and no
 * word empty, `.` or `..` (sysctl maps the key to a path below /proc/sys).
 */
export function isSysctlKey(key: string): boolean {
  if (!/^[A-Za-z0-9_]/.test(key)) return false;
  const parts = key.split(key.includes('/') ? '/' : '.');
  return parts.every((part) => /^[A-Za-z0-9_.:@+-]+$/.test(part) && part !== '.' && part !== '..');
}

/** Ansible's value rules: booleans (and their words) are 1 and 0, strings are stripped. */
function sysctlValue(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'boolean') return v ? '1' : '0';
  const s = String(v);
  const b = ['y', 'yes', 'on', '1', 'true', 't', 'n', 'no', 'off', '0', 'false', 'f'].includes(s.toLowerCase()) ? toBool(s) : undefined;
  return b === undefined ? s.trim() : b ? '1' : '0';
}

export function normaliseSysctl(raw: Readonly<Record<string, unknown>>): SysctlParams {
  const args = new ModuleArgs('sysctl', raw, paramNames(sysctlParams), { key: 'name', val: 'value' });
  const name = (args.string('name') ?? '').trim();
  if (name === '') throw args.error('name cannot be blank', 'name');
  if (!isSysctlKey(name)) {
    throw args.error(
      `'name' must be a sysctl key like net.ipv4.ip_forward (or net/ipv4/conf/eth0.100/rp_filter): words separated by dots or slashes, none empty, . or .., not ${JSON.stringify(name)}`,
      'name',
    );
  }
  const state = args.oneOf('state', ['present', 'absent'], 'present');
  const raw_ = args.raw('value');
  if (raw_ !== undefined && typeof raw_ !== 'string' && typeof raw_ !== 'number' && typeof raw_ !== 'boolean') {
    throw args.error("'value' must be a string, a number or a boolean", 'value');
  }
  if (state === 'present' && raw_ === undefined) throw args.error('state is present but all of the following are missing: value', 'value');
  const value = sysctlValue(raw_);
  if (state === 'present' && value === '') throw args.error('value cannot be blank', 'value');
  if (/[\n\0]/.test(value)) throw args.error("'value' cannot hold a newline", 'value');
  const sysctlFile = args.string('sysctl_file') ?? '/etc/sysctl.conf';
  if (!sysctlFile.startsWith('/') || /[\n\0]/.test(sysctlFile))
    throw args.error(`'sysctl_file' must be an absolute path, not ${JSON.stringify(sysctlFile)}`, 'sysctl_file');
  return {
    name,
    value,
    state,
    reload: args.bool('reload', true),
    sysctlSet: args.bool('sysctl_set', false),
    ignoreErrors: args.bool('ignoreerrors', false),
    sysctlFile,
  };
}

/**
 * The fact: the running value (`proc VALUE`, or `noproc`), then the file after a `file` line.
 * The file is read only after the walk root writes by, where it checked it (editedPathRead):
 * another user's link on its way, or their link or file at its name in a world-writable
 * directory, is refused (exit 1, the reason on stderr), never followed.
 */
export function sysctlFactCommand(p: SysctlParams): string {
  return [
    `${editedPathRead(p.sysctlFile)}:`,
    `if v=$(LC_ALL=C sysctl -e -n ${quoteArg(p.name)} 2>/dev/null); then printf 'proc %s\\n' "$v" | tr '\\n\\t' '  ' | sed 's/ *$//'; echo; else echo noproc; fi`,
    // Only the file opened where the walk checked it (pin): nothing that appeared since.
    `[ -z "$pin" ] || ${metaOf('"$p"')}`,
    'echo file',
    '[ -n "$pin" ] && cat -- "$p"',
    'exit 0',
  ].join('\n');
}

/** The file's key=value lines as Ansible reads them: stripped, comments and lines without `=` skipped, the last value kept. */
export function sysctlFileValues(lines: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of lines) {
    if (line === '' || line.startsWith('#') || line.startsWith(';') || !line.includes('=')) continue;
    const at = line.indexOf('=');
    values.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return values;
}

/** The file as Ansible rewrites it: the first line of each key normalised to `k=v` (ours set or dropped), later repeats dropped. */
export function sysctlFixedLines(lines: readonly string[], p: Pick<SysctlParams, 'name' | 'value' | 'state'>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of lines) {
    if (line === '' || line.startsWith('#') || line.startsWith(';') || !line.includes('=')) {
      out.push(line);
      continue;
    }
    const at = line.indexOf('=');
    const k = line.slice(0, at).trim();
    if (seen.has(k)) continue;
    seen.add(k);
    if (k !== p.name) out.push(`${k}=${line.slice(at + 1).trim()}`);
    else if (p.state === 'present') out.push(`${k}=${p.value}`);
  }
  if (!seen.has(p.name) && p.state === 'present') out.push(`${p.name}=${p.value}`);
  return out;
}

const sameWords = (a: string, b: string): boolean => a.split(/\s+/).filter(Boolean).join(' ') === b.split(/\s+/).filter(Boolean).join(' ');

/**
 * A sysctl command that also fails on sysctl's "setting key …: Invalid argument" lines, as
 * Ansible's does; on failure its stderr is `PREFIX` + what sysctl printed (stdout, then stderr).
 */
function checkedSysctl(argv: readonly string[], prefix: string): string {
  return [
    'f=$(mktemp) || exit 1',
    `o=$(LC_ALL=C ${quoteArgv(argv)} 2>"$f"); rc=$?; e=$(cat -- "$f"); rm -f -- "$f"`,
    `if [ $rc != 0 ] || printf '%s\n' "$e" | grep -Eq '^sysctl: setting key "[^"]+": (Invalid argument|Read-only file system)$'; then`,
    `  printf '%s%s%s\n' ${quoteArg(prefix)} "\${o:+$o\n}" "$e" >&2; exit 1`,
    'fi',
  ].join('\n');
}

/** How the rewritten file is written: as the file it replaces (its mode, owner and group; `meta 644 0:0` from the fact), else 0644. */
export function keptAttributes(meta: string | undefined): WrittenFile {
  const m = /^([0-7]{3,4}) (\d+:\d+)$/.exec(meta ?? '');
  return m ? { mode: Number.parseInt(m[1], 8), owner: m[2], keptOwner: true } : { mode: 0o644 };
}

/** Shell: prints `meta MODE UID:GID` of an existing file, `path` a shell word (followed, as Ansible's os.stat follows it). */
export const metaOf = (path: string): string => `[ -e ${path} ] && printf 'meta %s\\n' "$(stat -L -c '%a %u:%g' -- ${path})"`;

export function planSysctl(p: SysctlParams, facts: FactResults, ctx: Pick<PlanContext, 'check' | 'become'>): Plan {
  const fact = facts.sysctl;
  const refused = untrustedRefusal(fact);
  if (refused !== undefined) throw new Error(refused);
  // A file cut at the output limit would be written back cut.
  if ((fact.stdoutDropped ?? 0) > 0) {
    throw new Error(`${p.sysctlFile} is larger than ${OUTPUT_LIMIT_VAR} keeps; raise it for this task (vars: { ${OUTPUT_LIMIT_VAR}: 16M })`);
  }
  const out = fact.stdout;
  const at = out.indexOf('\nfile\n');
  if (at < 0) throw new Error(`could not read ${p.name} on the host: ${fact.stderr.trim() || `exit code ${fact.rc}`}`);
  const head = out.slice(0, at);
  const proc = head.startsWith('proc ') ? head.split('\n')[0].slice(5) : undefined;
  const meta = /^meta (.*)$/m.exec(head)?.[1];
  const fileText = out.slice(at + 6);
  const lines =
    fileText === ''
      ? []
      : fileText
          .replace(/\n$/, '')
          .split('\n')
          .map((l) => l.trim());
  const inFile = sysctlFileValues(lines).get(p.name);
  let changed = false;
  let writeFile = false;
  let setProc = false;
  if (inFile === undefined) {
    changed = writeFile = p.state === 'present';
  } else if (p.state === 'absent' && inFile !== '') {
    changed = writeFile = true;
  } else if (inFile !== p.value) {
    changed = writeFile = true;
  } else if (p.reload) {
    changed = proc === undefined || !sameWords(proc, p.value);
  }
  if (p.sysctlSet && p.state === 'present') {
    if (proc === undefined) changed = true;
    else if (!sameWords(proc, p.value)) changed = setProc = true;
  }
  // One command for all steps: a failure anywhere leaves the task unchanged, as Ansible reports it.
  const steps: string[] = [];
  const shown: string[] = [];
  const e = p.ignoreErrors ? ['-e'] : [];
  let stdin: string | undefined;
  if (setProc) {
    steps.push(checkedSysctl(['sysctl', ...e, '-w', `${p.name}=${p.value}`], `setting ${p.name} failed: `));
    shown.push(`sysctl -w ${p.name}`);
  }
  if (writeFile) {
    stdin = `${sysctlFixedLines(lines, p).join('\n')}\n`;
    steps.push(`${writeFileCommand(p.sysctlFile, keptAttributes(meta))} || exit 1`);
    shown.push(`write ${p.sysctlFile}`);
  }
  if (changed && p.reload) {
    steps.push(checkedSysctl(['sysctl', ...e, '-p', p.sysctlFile], 'Failed to reload sysctl: '));
    shown.push(`sysctl -p ${p.sysctlFile}`);
  }
  // Ansible's msg is sysctl's output as it was, ending in a newline (the engine trims {stderr}).
  const onFailure = { msg: '{stderr}\n' };
  const actions: Action[] =
    steps.length === 0
      ? []
      : [{ kind: 'exec', command: steps.join('\n'), become: ctx.become, display: shown.join(', '), onFailure, ...(stdin !== undefined ? { stdin } : {}) }];
  return { changed, actions };
}

/**
 * `sysctl`: reads the running value (sysctl -n) and the sysctl file, then, as Ansible's
 * ansible.posix.sysctl decides: sets the running value (sysctl_set), rewrites the file, and
 * reloads it (sysctl -p FILE, which applies every key in that file).
 */
export const sysctlModule: ModuleDefinition<SysctlParams> = {
  name: 'sysctl',
  params: sysctlParams,
  normalise: normaliseSysctl,
  facts: (p, ctx) => [{ key: 'sysctl', command: sysctlFactCommand(p), become: ctx.become }],
  plan: (p, facts, ctx) => planOrFail(() => planSysctl(p, facts, ctx)),
};
