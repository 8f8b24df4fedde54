import type { ChannelHost, ChannelReserve, TakenChannel } from './open-channel.js';
import { createToken } from './remote-command.js';

/** Commands longer than this go on a channel of their own (the stub reads them a byte at a time). */
const MAX_STUB_COMMAND = 64 * 1024;

interface Spare extends TakenChannel {
  alive: boolean;
  taken: boolean;
}

/** A spare on its way: `ready` once its stub runs (or it failed). */
interface Pending {
  spare: Promise<Spare | undefined>;
  ready: boolean;
}

/**
 * How many spares the reserve keeps at most. A spare is ready two round trips after it is
 * asked for (open, then exec); a short command takes one. With one spare, each command of a
 * quick run would wait a round trip for the next: the reserve keeps a second one from the
 * first time a command had to wait (high latency), and only one where spares are ready in
 * time (a LAN), where a second would only be one more idle shell per connection.
 */
const MAX_DEPTH = 2;

/**
 * One channel per connection opened ahead of need, so a command costs one round trip
 * instead of three (open, exec, output). The spare runs a stub that reads lines from
 * stdin up to a random end line, then `exec`s the login shell on them: the command gets
 * the same PID (still the session's process group), the rest of stdin, and its own exit
 * status, signals and stderr, exactly as if it had been sent with `exec`.
 */
export class SpareChannels implements ChannelReserve {
  private readonly endLine = createToken('tpx-end-');
  private readonly pending: Pending[] = [];
  private depth = 1;
  private broken = false;

  constructor(private readonly host: ChannelHost) {}

  /** The oldest spare, with `command` written to it; undefined when there is none to use. */
  async take(command: string): Promise<TakenChannel | undefined> {
    if (this.pending.length === 0 || !this.fits(command)) return undefined;
    const next = this.pending.shift() as Pending;
    if (!next.ready) this.depth = MAX_DEPTH;
    // The next spares start opening now, while this command waits for its own.
    this.fill();
    const spare = await next.spare;
    if (!spare) return undefined;
    if (!spare.alive || spare.stream.destroyed) {
      spare.release();
      return undefined;
    }
    spare.taken = true;
    spare.stream.write(`${command}\n${this.endLine}\n`);
    return spare;
  }

  /** Opens spares until the reserve is full, as long as a session slot is free right now. */
  fill(): void {
    while (this.pending.length < this.depth && !this.broken && !this.host.isClosed()) {
      // A second spare never takes the last free slot: a long command or a transfer needs one.
      if (this.pending.length > 0 && this.host.limiter.free < 2) return;
      const release = this.host.limiter.tryAcquire();
      if (!release) return;
      this.pending.push(this.open(release));
    }
  }

  private open(release: () => void): Pending {
    const pending = { ready: false } as Pending;
    pending.spare = new Promise<Spare | undefined>((resolve) => {
      try {
        this.host.client.exec(this.stub(), (err, stream) => {
          pending.ready = true;
          if (err) {
            // The server takes fewer sessions than we thought, or none this way: stop trying.
            this.broken = true;
            release();
            return resolve(undefined);
          }
          const spare: Spare = { stream, release, alive: true, taken: false };
          stream.once('close', () => {
            spare.alive = false;
            if (spare.taken) return;
            // Closed while idle (the server's ChannelTimeout, a dropped connection): its slot
            // goes back now, not at the next take, so that nothing waits for it in vain.
            release();
            const at = this.pending.indexOf(pending);
            if (at >= 0) this.pending.splice(at, 1);
          });
          resolve(spare);
        });
      } catch {
        pending.ready = true;
        this.broken = true;
        release();
        resolve(undefined);
      }
    });
    return pending;
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
