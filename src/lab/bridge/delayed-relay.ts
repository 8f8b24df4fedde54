import type { Readable, Writable } from 'node:stream';

/**
 * Carries what `from` reads to `to`, each chunk `delayMs` after it arrived, in the order it
 * arrived, and `from`'s end likewise (`to.end()` once the last chunk before it went out).
 * Nothing is held longer than that: a chunk goes out at its time however many follow it, so
 * a stream of bytes is shifted by `delayMs`, not slowed down. `from` is paused while `to`
 * pushes back (its `write` returned false) and resumed on `drain`; chunks already held still
 * go out at their time. Timers only: other connections are never blocked. `now` is for tests.
 */
export function relayDelayed(from: Readable, to: Writable, delayMs: number, now: () => number = () => performance.now()): void {
  const held: { readonly due: number; readonly chunk: Buffer | null }[] = [];
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  const send = (): void => {
    timer = null;
    if (stopped) return;
    // A timer may fire up to a millisecond early (libuv's cached clock): what is not due yet waits again.
    while (held.length > 0 && held[0].due <= now()) {
      const { chunk } = held.shift()!;
      if (chunk === null) {
        to.end();
        stopped = true;
        return;
      }
      if (!to.write(chunk) && !from.isPaused()) {
        from.pause();
        to.once('drain', () => from.resume());
      }
    }
    schedule();
  };
  const schedule = (): void => {
    if (timer !== null || held.length === 0) return;
    timer = setTimeout(send, Math.max(0, Math.ceil(held[0].due - now())));
  };
  const hold = (chunk: Buffer | null): void => {
    if (stopped) return;
    held.push({ due: now() + delayMs, chunk });
    schedule();
  };
  const stop = (): void => {
    stopped = true;
    held.length = 0;
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };

  from.on('data', (chunk: Buffer) => hold(chunk));
  from.on('end', () => hold(null));
  to.on('close', stop);
  to.on('error', stop);
}
