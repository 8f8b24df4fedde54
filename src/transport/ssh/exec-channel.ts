import type { ClientChannel } from 'ssh2';
import { ConnectionError } from '../../errors/connection-error.js';
import { secretMasker } from '../../errors/mask-secrets.js';
import type { ExecOptions, ExecResult } from '../connection.js';
import { OutputCapture } from '../output-capture.js';
import { describeBecomeFailure } from './become-failure.js';
import { closedError, openChannel, type ChannelHost, type TakenChannel } from './open-channel.js';
import { OutputHeader } from './output-header.js';
import { PromptScanner } from './prompt-scanner.js';
import { buildKillCommand, createToken, wrapRemoteCommand } from './remote-command.js';
import { environmentOnStdin, withEnvironmentData } from '../../shell/env-on-stdin.js';

const KILL_GRACE_MS = 8_000;

/**
 * A channel running `wrapped`: the connection's spare when one is open (one round trip
 * saved on every command after the first), else a new one. Kill commands use the slot
 * kept in reserve, so they never wait behind the commands they stop.
 */
async function channelFor(host: ChannelHost, wrapped: string, reserved: boolean): Promise<TakenChannel> {
  if (reserved)
    return { stream: await openChannel<ClientChannel>(host, 'stopping a command', (cb) => host.client.exec(wrapped, cb)), release: () => undefined };
  const spare = await host.spares?.take(wrapped);
  if (spare) {
    host.spares?.fill();
    return spare;
  }
  const release = await host.limiter.acquire();
  host.spares?.fill();
  try {
    return { stream: await openChannel<ClientChannel>(host, 'running a command', (cb) => host.client.exec(wrapped, cb)), release };
  } catch (err) {
    release();
    throw err;
  }
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Runs one command on its own channel: output streamed and collected, stdin fed (after
 * the sudo password when there is one), and on timeout or abort the remote process group
 * killed through a second channel with the same become.
 */
export async function runRemoteCommand(
  host: ChannelHost,
  command: string,
  options: ExecOptions = {},
  internal: { reservedChannel?: boolean } = {},
): Promise<ExecResult> {
  const started = Date.now();
  const password = options.become ? host.becomePassword : undefined;
  const prompt = password ? createToken('[tpx-sudo-') + ']' : undefined;
  const become = options.become ? { user: options.becomeUser ?? 'root', prompt } : undefined;
  // The environment goes on stdin, after sudo's password: never on a command line the host's users can read.
  const environment = environmentOnStdin(options.environment);
  const input = withEnvironmentData(environment, options.stdin);
  const wrapped = wrapRemoteCommand((environment?.prelude ?? '') + command, host.token, become);

  const { stream, release } = await channelFor(host, wrapped, internal.reservedChannel === true);

  return new Promise<ExecResult>((resolve, reject) => {
    const header = new OutputHeader(host.token, become ? 2 : 1);
    const scanner = prompt ? new PromptScanner(prompt) : undefined;
    // Bounded whatever the host prints; what streams live is masked chunk by chunk.
    const stdout = new OutputCapture(options.outputLimit, options.onStdout && ((c) => options.onStdout?.(secretMasker.mask(c))));
    const stderr = new OutputCapture(options.outputLimit, options.onStderr && ((c) => options.onStderr?.(secretMasker.mask(c))));
    let exit: { code: number | null; signal: string | null } | undefined;
    let stopping = false;
    let killStarted = false;
    let prompts = 0;
    let wrongPassword = false;
    let stdinDone = false;
    let graceTimer: NodeJS.Timeout | undefined;
    let killed: Promise<void> = Promise.resolve();

    const pid = (): number | undefined => (header.lines.length > 0 ? Number(header.lines[0]) || undefined : undefined);
    const mayRun = (): boolean => !become || header.lines[1] === 'go';
    const sendStdin = (): void => {
      if (stdinDone) return;
      stdinDone = true;
      if (stream.writableEnded) return;
      if (input !== undefined) stream.write(input);
      if (!options.holdStdinUntil) return void stream.end();
      // Kept open (a lock held for the connection's life) until the caller lets go.
      void options.holdStdinUntil.then((last) => {
        if (stream.writableEnded || stream.destroyed) return;
        stream.write(last);
        stream.end();
      });
    };
    const startKill = (): void => {
      const target = pid();
      if (killStarted || target === undefined) return;
      killStarted = true;
      const killOptions = { become: options.become, becomeUser: options.becomeUser };
      killed = runRemoteCommand(host, buildKillCommand(target), killOptions, { reservedChannel: true })
        .then(
          () => undefined,
          () => undefined,
        )
        .finally(() => {
          clearTimeout(graceTimer);
          graceTimer = setTimeout(() => stream.destroy(), 2_000);
        });
    };
    const stop = (): void => {
      if (stopping || exit) return;
      stopping = true;
      graceTimer = setTimeout(() => stream.destroy(), KILL_GRACE_MS);
      if (pid() === undefined) stream.close();
      else startKill();
    };

    if (!password) sendStdin();
    stream.setEncoding('utf8');
    stream.stderr.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const hadPid = pid() !== undefined;
      stdout.push(header.take(chunk));
      if (!hadPid && stopping) startKill();
      if (header.complete && mayRun() && password) sendStdin();
    });
    stream.stderr.on('data', (chunk: string) => {
      if (!scanner) return stderr.push(chunk);
      const found = scanner.scan(chunk);
      for (let i = 0; i < found.prompts; i++) {
        prompts++;
        if (prompts === 1 && !stdinDone) stream.write(`${password}\n`);
        else {
          wrongPassword = true;
          stdinDone = true;
          stream.end();
        }
      }
      stderr.push(found.text);
    });
    stream.on('exit', (code: number | null, signal?: string) => {
      exit = { code: typeof code === 'number' ? code : null, signal: signal ?? null };
    });
    const timer = options.timeoutMs !== undefined ? setTimeout(stop, options.timeoutMs) : undefined;
    options.signal?.addEventListener('abort', stop, { once: true });
    if (options.signal?.aborted) stop();

    // When stopped, the result waits for the kill command: once it is back, nothing is left running.
    // ssh2 repeats the exit status on 'close': the 'exit' event may have fired before we were
    // listening (the channel is handed over through a promise, after ssh2 parsed more packets).
    stream.on('close', (code?: number | null, signal?: string) => {
      if (!exit && (typeof code === 'number' || signal)) exit = { code: typeof code === 'number' ? code : null, signal: signal ?? null };
      void Promise.race([killed, delay(KILL_GRACE_MS)]).then(finish);
    });
    const finish = (): void => {
      clearTimeout(timer);
      clearTimeout(graceTimer);
      options.signal?.removeEventListener('abort', stop);
      release();
      stdout.push(header.flush());
      if (scanner) stderr.push(scanner.flush());
      // A connection lost before sudo said "go" is a lost connection, not a sudo failure.
      if (!exit && !stopping && host.isClosed()) {
        return reject(closedError(host, `running \`${secretMasker.mask(command).slice(0, 80)}\``));
      }
      if (become && !mayRun() && !stopping) {
        return reject(describeBecomeFailure(host.name, stderr.text(), password !== undefined, wrongPassword));
      }
      if (!exit && !stopping) {
        const what = `running \`${secretMasker.mask(command).slice(0, 80)}\``;
        if (host.isClosed()) return reject(closedError(host, what));
        return reject(new ConnectionError(host.name, 'closed', `${host.name}: the channel closed without an exit status while ${what}`));
      }
      resolve({
        rc: stopping ? null : (exit?.code ?? null),
        signal: exit?.signal ?? null,
        stdout: secretMasker.mask(stdout.text()),
        stderr: secretMasker.mask(stderr.text()),
        stdoutDropped: stdout.droppedBytes,
        stderrDropped: stderr.droppedBytes,
        timedOut: stopping,
        durationMs: Date.now() - started,
      });
    };
  });
}
