import { describe, expect, it } from 'vitest';
import { DEFAULT_OUTPUT_LIMIT, droppedNote, liveStoppedNote, OutputCapture } from '../../src/transport/output-capture.js';

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Pushes `total` bytes of `fill` in chunks of `chunk` bytes, `START\n` first and `\nEND` last. */
function feed(capture: OutputCapture, total: number, chunk = 64 * 1024, fill = 'a'): void {
  capture.push('START\n');
  const piece = fill.repeat(chunk / bytes(fill));
  let sent = bytes('START\n') + bytes('\nEND');
  while (sent + chunk <= total) {
    capture.push(piece);
    sent += chunk;
  }
  capture.push(fill.repeat((total - sent) / bytes(fill)));
  capture.push('\nEND');
}

describe('OutputCapture', () => {
  it('keeps an output that fits whole, with nothing dropped and no note', () => {
    const c = new OutputCapture(1024);
    c.push('one\n');
    c.push('two\n');
    expect(c.text()).toBe('one\ntwo\n');
    expect(c.droppedBytes).toBe(0);
  });

  it('50 MB through a 1 MiB limit: the start, a note, the end; within the limit, the rest counted', () => {
    const c = new OutputCapture();
    const total = 50 * 1000 * 1000;
    feed(c, total);
    const text = c.text();
    expect(bytes(text)).toBeLessThanOrEqual(DEFAULT_OUTPUT_LIMIT);
    expect(bytes(text)).toBeGreaterThan(DEFAULT_OUTPUT_LIMIT - 128);
    expect(text.startsWith('START\naaa')).toBe(true);
    expect(text.endsWith('aaa\nEND')).toBe(true);
    expect(text).toContain('\n[… 46.7 MiB not kept: over tpx_output_limit …]\n');
    expect(c.droppedBytes).toBe(total - (bytes(text) - bytes(droppedNote(c.droppedBytes))));
  });

  it.each([4096, DEFAULT_OUTPUT_LIMIT])('a host writing one byte at a time stays fast and bounded (limit %d)', (limit) => {
    const c = new OutputCapture(limit);
    const started = Date.now();
    const total = 3_000_000;
    for (let i = 0; i < total; i++) c.push(i % 80 === 79 ? '\n' : 'x');
    // Linear in the output: trimming the kept end must not redo work per byte received.
    expect(Date.now() - started).toBeLessThan(5_000);
    const text = c.text();
    expect(bytes(text)).toBeLessThanOrEqual(limit);
    expect(c.droppedBytes).toBe(total - (bytes(text) - bytes(droppedNote(c.droppedBytes))));
  });

  it.each([
    ['2-byte', 'é'],
    ['3-byte', '€'],
    ['4-byte (a surrogate pair)', '😀'],
  ])('never splits a %s character at either cut', (_name, char) => {
    const c = new OutputCapture(1000);
    for (let i = 0; i < 300; i++) c.push(char.repeat(7));
    const text = c.text();
    expect(text).not.toContain('\ufffd');
    expect(bytes(text)).toBeLessThanOrEqual(1000);
    const [head, tail] = text.split(droppedNote(c.droppedBytes));
    expect(head.replaceAll(char, '')).toBe('');
    expect(tail.replaceAll(char, '')).toBe('');
  });

  it('streams the first `limit` bytes live, then one note, then nothing', () => {
    const live: string[] = [];
    const c = new OutputCapture(2048, (chunk) => live.push(chunk));
    for (let i = 0; i < 100; i++) c.push('y'.repeat(100));
    expect(live.at(-1)).toBe(liveStoppedNote(2048));
    expect(live.slice(0, -1).join('')).toBe('y'.repeat(2048));
    expect(live.filter((l) => l === liveStoppedNote(2048))).toHaveLength(1);
  });

  it('the note fits the room set aside for it, however much was dropped', () => {
    expect(bytes(droppedNote(2 ** 52))).toBeLessThanOrEqual(64);
  });
});
