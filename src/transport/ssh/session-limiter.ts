/**
 * Counts open channels on one connection so no more than the server's MaxSessions
 * (OpenSSH default 10) are open at once; further work waits its turn, in order.
 */
export class SessionLimiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {}

  /** Waits for a free channel slot; call the returned function once the channel is closed. */
  async acquire(): Promise<() => void> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    return this.releaser();
  }

  /** A slot only if one is free now and nobody waits for one; never waits. */
  tryAcquire(): (() => void) | undefined {
    if (this.active >= this.max || this.waiting.length > 0) return undefined;
    this.active++;
    return this.releaser();
  }

  /** Channels open right now. */
  get inUse(): number {
    return this.active;
  }

  /** Slots free right now. */
  get free(): number {
    return this.max - this.active;
  }

  /** Gives the slot to the next in line, once however often it is called. */
  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
}
