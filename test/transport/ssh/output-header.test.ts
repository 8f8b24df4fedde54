import { describe, expect, it } from 'vitest';
import { OutputHeader } from '../../../src/transport/ssh/output-header.js';

const TOKEN = '[tpx-0123abcd]';

describe('OutputHeader', () => {
  it('takes the header lines out, across chunk boundaries, and passes the rest', () => {
    const h = new OutputHeader(TOKEN, 2);
    const out = [h.take(`${TOKEN}12`), h.take(`34\n${TOKEN.slice(0, 5)}`), h.take(`${TOKEN.slice(5)}go\nhello\n`)].join('');
    expect(h.lines).toEqual(['1234', 'go']);
    expect(out).toBe('hello\n');
  });

  it('passes on lines of a chatty shell rc file before the header', () => {
    const h = new OutputHeader(TOKEN, 1);
    expect(h.take(`welcome\n${TOKEN}42\nout`)).toBe('welcome\nout');
    expect(h.lines).toEqual(['42']);
  });

  it('passes on a long unfinished line at once instead of holding it until its newline', () => {
    const h = new OutputHeader(TOKEN, 1);
    const big = 'x'.repeat(64 * 1024);
    let out = '';
    for (let i = 0; i < 16; i++) out += h.take(big);
    expect(out.length).toBe(16 * big.length);
    expect(h.flush()).toBe('');
    expect(h.take(`\n${TOKEN}7\nrest`)).toBe('\nrest');
    expect(h.lines).toEqual(['7']);
  });

  it('an unfinished line that starts like the token but runs on is output, not held', () => {
    const h = new OutputHeader(TOKEN, 1);
    expect(h.take(TOKEN + 'y'.repeat(1000))).toBe(TOKEN + 'y'.repeat(1000));
    expect(h.lines).toEqual([]);
  });
});
