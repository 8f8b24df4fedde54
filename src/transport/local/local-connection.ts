import { readFile } from 'node:fs/promises';
import { quoteArg } from '../../shell/quote.js';
import type { Connection, ExecOptions, ExecResult, PutOptions } from '../connection.js';
import { environmentOnStdin, withEnvironmentData } from '../../shell/env-on-stdin.js';
import { runLocal } from './run-local.js';

/**
 * The controller itself as a host: `connection: local`, `delegate_to: localhost`,
 * `local_action` and the implicit `localhost`. Commands run in `sh -c` as tpx's own user, or
 * through `sudo -n -u USER` with become (no password prompt: a become that needs one fails
 * with sudo's message). Output is bounded as over SSH; a timeout or an abort stops the
 * command's whole process group.
 */
export class LocalConnection implements Connection {
  constructor(readonly host: string) {}

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    // As over SSH: the environment on stdin, not in the process list.
    const environment = environmentOnStdin(options.environment);
    const line = (environment?.prelude ?? '') + command;
    const argv = options.become ? ['sudo', '-n', '-u', options.becomeUser ?? 'root', '--', 'sh', '-c', line] : ['sh', '-c', line];
    return runLocal(argv, { ...options, stdin: withEnvironmentData(environment, options.stdin) });
  }

  /**
   * Writes a file through a temporary name beside it and a rename, so a reader never sees it
   * half written; with become or an owner, the same steps run through sudo.
   */
  async put(content: string | Buffer, path: string, options: PutOptions = {}): Promise<void> {
    const temp = `${path}.tpx-${process.pid}-${Date.now().toString(36)}`;
    const steps = [
      // Private while it is written; its mode is set before it takes the path.
      ...(options.mode !== undefined ? ['umask 077'] : []),
      `cat > ${quoteArg(temp)}`,
      ...(options.mode !== undefined ? [`chmod ${options.mode.toString(8)} ${quoteArg(temp)}`] : []),
      ...(options.owner !== undefined ? [`chown ${quoteArg(options.owner)} ${quoteArg(temp)}`] : []),
      `mv -f ${quoteArg(temp)} ${quoteArg(path)}`,
    ];
    const script = `${steps.join(' && ')} || { rc=$?; rm -f ${quoteArg(temp)}; exit $rc; }`;
    const res = await this.exec(script, { stdin: content, become: options.become, becomeUser: options.becomeUser });
    if (res.rc !== 0) throw new Error(`could not write ${path} on ${this.host}: ${res.stderr.trim() || `exit code ${res.rc}`}`);
  }

  async get(path: string): Promise<Buffer | null> {
    try {
      return await readFile(path);
    } catch {
      return null;
    }
  }

  async close(): Promise<void> {
    // Nothing held open.
  }
}
