import type { Socket } from 'node:net';

/**
 * Makes the writes of one tick go out together. ssh2 writes each SSH packet on its own, and
 * with TCP_NODELAY each becomes a `write(2)` and a segment: a channel open, its request, its
 * data and its EOF are four system calls and four wake-ups of the peer. Corked on the first
 * write of a tick and uncorked on the next tick, they leave as one `writev(2)`. Order and
 * content are unchanged; only the batching is.
 */
export function coalesceWrites(socket: Socket): Socket {
  let corked = false;
  const uncork = (): void => {
    corked = false;
    if (!socket.destroyed) socket.uncork();
  };
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  socket.write = ((...args: unknown[]): boolean => {
    if (!corked && !socket.destroyed) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    return write(...args);
  }) as Socket['write'];
  return socket;
}
