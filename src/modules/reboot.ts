import { readFileSync } from 'node:fs';
import { quoteArg, quoteArgv } from '../shell/quote.js';
import { pyRepr } from '../template/python-values.js';
import { ModuleArgs, paramNames } from './module-args.js';
import type { Action, FactRequest, FactResults, ModuleDefinition, Plan, PlanContext } from './module.js';
import { rebootParams } from './params/reboot.js';
import { failPlan } from './plans.js';

/** Parameters of `reboot`; times in seconds. */
export type RebootParams = {
  readonly preRebootDelay: number;
  readonly postRebootDelay: number;
  readonly rebootTimeout: number;
  readonly connectTimeout?: number;
  readonly testCommand: string;
  readonly msg: string;
  readonly searchPaths: readonly string[];
  /** The program that reboots (`shutdown`, or reboot_command's first word) and its arguments as written. */
  readonly program: string;
  readonly args: string;
  readonly bootTimeCommand: string;
};

const DEFAULT_SEARCH_PATHS = ['/sbin', '/bin', '/usr/sbin', '/usr/bin', '/usr/local/sbin'] as const;
const DEFAULT_MESSAGE = 'Reboot initiated by Ansible';
const FIND_SCRIPT = readFileSync(new URL('../../host/find-program.sh', import.meta.url), 'utf8');

/** Reads reboot's parameters as Ansible's action does; `reboot_command`'s first word is the program, the rest its arguments as written. */
export function normaliseReboot(raw: Readonly<Record<string, unknown>> | null): RebootParams {
  const args = new ModuleArgs('reboot', raw ?? {}, paramNames(rebootParams));
  const preRebootDelay = args.int('pre_reboot_delay', 0);
  const msg = args.string('msg') ?? DEFAULT_MESSAGE;
  const rebootCommand = args.string('reboot_command');
  let program = 'shutdown';
  // Linux's shutdown takes minutes; a message is one argument (Ansible pastes it into the line unquoted).
  let rest = `-r ${Math.floor(preRebootDelay / 60)} ${quoteArg(msg)}`;
  if (rebootCommand !== undefined) {
    const space = rebootCommand.indexOf(' ');
    program = space < 0 ? rebootCommand : rebootCommand.slice(0, space);
    rest = space < 0 ? '' : rebootCommand.slice(space + 1);
    if (program === '') throw args.error("'reboot_command' must start with the command, not a space", 'reboot_command');
  }
  const connectTimeout = args.has('connect_timeout') ? args.int('connect_timeout', 0) : undefined;
  return {
    preRebootDelay,
    postRebootDelay: args.int('post_reboot_delay', 0),
    rebootTimeout: args.int('reboot_timeout', 600),
    // Ansible leaves the connection's own timeout alone for 0.
    connectTimeout: connectTimeout || undefined,
    testCommand: args.string('test_command') || 'whoami',
    msg,
    searchPaths: args.stringList('search_paths') ?? [...DEFAULT_SEARCH_PATHS],
    program,
    args: rest,
    bootTimeCommand: args.string('boot_time_command') || 'cat /proc/sys/kernel/random/boot_id',
  };
}

/**
 * Finds the program in the search paths as Ansible's find does: a non-recursive look for that
 * name, of any file type, in each directory in turn; prints the first path found.
 */
export function findProgramCommand(p: RebootParams): string {
  return `sh -c ${quoteArg(FIND_SCRIPT)} tpx-find ${quoteArgv([p.program, ...p.searchPaths])}`;
}

function rebootFacts(p: RebootParams, ctx: PlanContext): FactRequest[] {
  if (ctx.check || ctx.local) return [];
  const facts: FactRequest[] = [{ key: 'boot', command: p.bootTimeCommand, become: ctx.become }];
  if (!p.program.startsWith('/')) facts.push({ key: 'program', command: findProgramCommand(p), become: ctx.become });
  return facts;
}

function planReboot(p: RebootParams, facts: FactResults, ctx: PlanContext): Plan {
  if (ctx.local) return failPlan('Running reboot with local connection would reboot the control node.', { elapsed: 0, rebooted: false });
  if (ctx.check) return { changed: true, actions: [], returns: { elapsed: 0, rebooted: true } };
  const boot = facts.boot;
  if (boot.rc !== 0) {
    return failPlan(`reboot: failed to get host boot time info, rc: ${boot.rc}, stdout: ${boot.stdout}, stderr: ${boot.stderr}`, { reboot: false });
  }
  let path = p.program;
  if (!path.startsWith('/')) {
    path = facts.program.stdout.split('\n')[0] ?? '';
    if (facts.program.rc !== 0 || path === '') return failPlan(`Unable to find command "${p.program}" in search paths: ${pyRepr(p.searchPaths)}`);
  }
  const timeoutMs = p.rebootTimeout * 1000;
  const reboot: Action = {
    kind: 'exec',
    command: `${quoteArg(path)}${p.args === '' ? '' : ` ${p.args}`}`,
    become: ctx.become,
    mayDisconnect: true,
    onFailure: { msg: "Reboot command failed. Error was: '{stdout}, {stderr}'", returns: { rebooted: false } },
  };
  return {
    changed: true,
    elapsed: true,
    returns: { rebooted: true },
    actions: [
      reboot,
      {
        kind: 'await',
        command: p.bootTimeCommand,
        become: ctx.become,
        differsFrom: boot.stdout.trim(),
        reconnect: true,
        connectTimeout: p.connectTimeout,
        delayMs: p.postRebootDelay * 1000,
        timeoutMs,
        pauseMs: 'backoff',
        onTimeout: { msg: `Timed out waiting for last boot time check (timeout=${p.rebootTimeout})`, returns: { rebooted: true } },
      },
      {
        kind: 'await',
        command: p.testCommand,
        become: ctx.become,
        timeoutMs,
        pauseMs: 'backoff',
        onTimeout: { msg: `Timed out waiting for post-reboot test command (timeout=${p.rebootTimeout})`, returns: { rebooted: true } },
      },
    ],
  };
}

/**
 * `reboot`: reads the boot id, runs `shutdown -r` (found in search_paths), then waits — over
 * new connections, each taking the run lock again — for a new boot id and for test_command to
 * succeed. Changed, with `rebooted` and `elapsed`; in check mode nothing runs and it reports
 * changed, as in Ansible.
 */
export const rebootModule: ModuleDefinition<RebootParams> = {
  name: 'reboot',
  params: rebootParams,
  normalise: normaliseReboot,
  facts: rebootFacts,
  plan: planReboot,
};
