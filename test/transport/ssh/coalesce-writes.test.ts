import { createServer, Socket, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { coalesceWrites } from '../../../src/transport/ssh/coalesce-writes.js';

let received = '';
const server = createServer((s) => s.on('data', (d: Buffer) => (received += d.toString())));
beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)));
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function connected(): Promise<Socket> {
  const socket = new Socket();
  await new Promise<void>((resolve) => socket.connect((server.address() as AddressInfo).port, '127.0.0.1', resolve));
  socket.setNoDelay(true);
  return socket;
}

/** Counts the socket's calls down to libuv: `_write` for one chunk, `_writev` for several. */
function countFlushes(socket: Socket): { single: number; batches: number[] } {
  const seen = { single: 0, batches: [] as number[] };
  const s = socket as unknown as { _write: (...a: unknown[]) => void; _writev: (chunks: unknown[], cb: unknown) => void };
  const write = s._write.bind(socket);
  const writev = s._writev.bind(socket);
  s._write = (...a) => {
    seen.single++;
    write(...a);
  };
  s._writev = (chunks, cb) => {
    seen.batches.push(chunks.length);
    writev(chunks, cb);
  };
  return seen;
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 50));

describe('coalesceWrites', () => {
  test('the writes of one tick leave in one writev, in order; the next tick starts a new batch', async () => {
    received = '';
    const socket = coalesceWrites(await connected());
    const seen = countFlushes(socket);
    for (const part of ['open,', 'request,', 'data,', 'eof,']) socket.write(part);
    await settle();
    socket.write('later');
    await settle();
    expect(seen.batches).toEqual([4]);
    expect(seen.single).toBe(1);
    expect(received).toBe('open,request,data,eof,later');
    socket.destroy();
  });

  test('without it, every write is its own call (what ssh2 would do per packet)', async () => {
    const socket = await connected();
    const seen = countFlushes(socket);
    for (const part of ['a', 'b', 'c']) socket.write(part);
    await settle();
    expect(seen.single + seen.batches.length).toBeGreaterThan(1);
    socket.destroy();
  });

  test('a socket destroyed within the tick: the deferred uncork neither writes nor raises', async () => {
    received = '';
    const socket = coalesceWrites(await connected());
    const errors: Error[] = [];
    socket.on('error', (e) => errors.push(e));
    socket.write('lost');
    socket.destroy();
    await settle();
    expect(errors).toEqual([]);
    expect(received).toBe('');
  });
});
