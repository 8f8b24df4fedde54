import { randomBytes } from 'node:crypto';
import { quoteArg } from '../../shell/quote.js';

/** How a command is run through sudo. */
export interface BecomeWrap {
  readonly user: string;
  /** When set, sudo reads the password on stdin (`-S`) after printing this prompt. */
  readonly prompt?: string;
}

/** A fresh random token for header lines or a sudo prompt; no `%` so sudo prints it as is. */
export function createToken(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('hex')}`;
}

/**
 * The command line sent to the server. Its first header line on stdout is `TOKEN` + the
 * login shell's PID, which is also the process group of everything the command starts
 * (sshd makes each session a new session), so a timeout can kill the whole group. With
 * become, sudo runs `sh -c` whose first line is `TOKENgo`: sudo let the command start.
 */
export function wrapRemoteCommand(command: string, token: string, become?: BecomeWrap): string {
  if (!become) return `echo ${token}$$\n${command}`;
  const inner = `echo ${token}go\n${command}`;
  const sudo = become.prompt ? `sudo -S -p ${quoteArg(become.prompt)} -u ${quoteArg(become.user)}` : `sudo -n -u ${quoteArg(become.user)}`;
  return `echo ${token}$$\nexec ${sudo} -- sh -c ${quoteArg(inner)}`;
}

/**
 * Stops a process group: TERM, up to ~3 s for it to go, then KILL. Falls back to the
 * single process when it is not a group leader.
 */
export function buildKillCommand(pid: number): string {
  // No `--`: dash's kill does not take it; with the signal named first, `-PID` is a group.
  const g = `-${pid}`;
  return [
    `kill -TERM ${g} 2>/dev/null || kill -TERM ${pid} 2>/dev/null`,
    `i=0; while [ $i -lt 30 ] && kill -0 ${g} 2>/dev/null; do sleep 0.1; i=$((i+1)); done`,
    `kill -KILL ${g} 2>/dev/null || kill -KILL ${pid} 2>/dev/null`,
    'true',
  ].join('; ');
}
