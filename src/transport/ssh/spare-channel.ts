import type { ChannelHost, ChannelReserve, TakenChannel } from './open-channel.js';
import { createToken } from './remote-command.js';

/** Commands longer than this go on a channel of their own (the stub reads them a byte at a time). */
const MAX_STUB_COMMAND = 64 * 1024;

interface Spare extends TakenChannel {
  alive: boolean;
}

/**
 * One channel per connection opened ahead of need, so a command costs one round trip
 * instead of three (open, exec, output). The spare runs a stub that reads lines from
 * stdin up to a random end line, then `exec`s the login shell on them: the command gets
 * the same PID (still the session's process group), the rest of stdin, and its own exit
 * status, signals and stderr, exactly as if it had been sent with `exec`.
 */
export class SpareChannels implements ChannelReserve {
  private readonly endLine = createToken('tpx-end-');
  private next?: Promise<Spare | undefined>;
  private broken = false;

  constructor(private readonly host: ChannelHost) {}

  /** The spare, with `command` written to it; undefined when there is none to use. */
  async take(command: string): Promise<TakenChannel | undefined> {
    if (!this.next || !this.fits(command)) return undefined;
    const pending = this.next;
    this.next = undefined;
    const spare = await pending;
    if (!spare) return undefined;
    if (!spare.alive || spare.stream.destroyed) {
      spare.release();
      return undefined;
    }
    spare.stream.write(`${command}\n${this.endLine}\n`);
    return spare;
  }

  /** Opens the next spare if none is open and a session slot is free right now. */
  fill(): void {
    if (this.next || this.broken || this.host.isClosed()) return;
    const release = this.host.limiter.tryAcquire();
    if (!release) return;
    this.next = new Promise<Spare | undefined>((resolve) => {
      try {
        this.host.client.exec(this.stub(), (err, stream) => {
          if (err) {
            // The server takes fewer sessions than we thought, or none this way: stop trying.
            this.broken = true;
            release();
            return resolve(undefined);
          }
          const spare: Spare = { stream, release, alive: true };
          stream.once('close', () => {
            spare.alive = false;
          });
          resolve(spare);
        });
      } catch {
        this.broken = true;
        release();
        resolve(undefined);
      }
    });
  }

  private fits(command: string): boolean {
    return command.length <= MAX_STUB_COMMAND && !command.includes(this.endLine);
  }

  /** POSIX sh without a fork: `read` takes stdin a byte at a time, so nothing past the end line is consumed. */
  private stub(): string {
    return [
      `e=${this.endLine} c=''`,
      'while IFS= read -r l; do',
      '  if [ "$l" = "$e" ]; then exec "${SHELL:-/bin/sh}" -c "$c"; fi',
      '  c="$c$l',
      '"',
      'done',
    ].join('\n');
  }
}
