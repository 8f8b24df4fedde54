import { spawn, type SpawnOptions } from 'node:child_process';
import type { ExecOptions, ExecResult } from '../connection.js';
import { OutputCapture } from '../output-capture.js';

/** How long a stopped command's process group has after TERM before KILL. */
const KILL_GRACE_MS = 3_000;

/**
 * Runs `argv` on this machine as a host command runs over SSH: output bounded in memory (and
 * streamed live) the same way, stdin written then closed (or held open until
 * `holdStdinUntil`), and a timeout or an abort stopping the whole process group: TERM, and
 * KILL what is left 3 s later, as over SSH (a command can say how it ended).
 */
export function runLocal(argv: readonly string[], options: ExecOptions = {}, spawnOptions: Pick<SpawnOptions, 'cwd' | 'env'> = {}): Promise<ExecResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { ...spawnOptions, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout = new OutputCapture(options.outputLimit, options.onStdout);
    const stderr = new OutputCapture(options.outputLimit, options.onStderr);
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const signalGroup = (signal: NodeJS.Signals): void => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const stop = (): void => {
      if (killTimer) return;
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE_MS);
    };
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          stop();
        }, options.timeoutMs)
      : undefined;
    const onAbort = (): void => stop();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) stop();
    child.stdout.setEncoding('utf8').on('data', (c: string) => stdout.push(c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => stderr.push(c));
    child.stdin.on('error', () => undefined);
    if (options.stdin !== undefined) child.stdin.write(options.stdin);
    if (options.holdStdinUntil) {
      options.holdStdinUntil.then(
        (last) => child.stdin.end(last),
        () => child.stdin.end(),
      );
    } else child.stdin.end();
    const finish = (rc: number | null, signal: string | null): void => {
      if (timer) clearTimeout(timer);
      if (killTimer) {
        clearTimeout(killTimer);
        // The shell is gone; what it started in its group must not outlive it.
        signalGroup('SIGKILL');
      }
      options.signal?.removeEventListener('abort', onAbort);
      resolve({
        rc,
        signal,
        stdout: stdout.text(),
        stderr: stderr.text(),
        stdoutDropped: stdout.droppedBytes,
        stderrDropped: stderr.droppedBytes,
        timedOut,
        durationMs: Date.now() - started,
      });
    };
    child.on('error', (error) => {
      stderr.push(`${argv[0]}: ${error.message}\n`);
      finish(127, null);
    });
    child.on('close', (code, signal) => finish(code, signal));
  });
}
